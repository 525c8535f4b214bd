#include "graph/plan/expressions.h"

#include <string>
#include <type_traits>
#include <unordered_set>

namespace graph {

namespace {

// Where column `column` (1-based) of the expression text lies in the file.
// Text past a newline (a block scalar) has an unknown indentation, so only
// the line is exact there.
SourcePos position_in_file(const ExprSource& source, int column) {
  SourcePos pos = source.pos;
  if (column <= 0 || pos.line <= 0) return pos;
  const std::string_view text(source.text);
  const size_t offset = std::min(static_cast<size_t>(column - 1), text.size());
  const size_t last_newline = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  if (last_newline == std::string_view::npos || offset == 0) {
    if (pos.column > 0) pos.column += column - 1;
    return pos;
  }
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') ++pos.line;
  }
  pos.column = 0;
  return pos;
}

class ExpressionChecker {
 public:
  core::Status check(const GraphSpec& spec) {
    // A subgraph file used twice is one GraphSpec; check it once.
    if (!seen_.insert(&spec).second) return core::Status();
    for (const NodeSpec& node : spec.nodes) {
      if (core::Status s = check_node(node); !s.is_ok()) return s;
    }
    for (const EdgeSpec& edge : spec.edges) {
      if (!edge.rule) continue;
      if (core::Status s = compile_expression(*edge.rule, "", "rule").status(); !s.is_ok()) {
        return s;
      }
    }
    return core::Status();
  }

 private:
  core::Status expr(const NodeSpec& node, const ExprSource& source, std::string_view field) {
    return compile_expression(source, node.id, field).status();
  }

  core::Status sub(const GraphRef& graph) { return graph ? check(*graph) : core::Status(); }

  core::Status check_node(const NodeSpec& node) {
    return std::visit(
        [&](const auto& f) -> core::Status {
          using F = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<F, RuleFields>) {
            if (f.condition) {
              if (core::Status s = expr(node, *f.condition, "condition"); !s.is_ok()) return s;
            }
            for (const auto& [key, value] : f.set) {
              if (core::Status s = expr(node, value, "set." + key); !s.is_ok()) return s;
            }
            return core::Status();
          } else if constexpr (std::is_same_v<F, ConditionalFields>) {
            return expr(node, f.condition, "condition");
          } else if constexpr (std::is_same_v<F, SubgraphFields>) {
            return sub(f.graph);
          } else if constexpr (std::is_same_v<F, LoopFields>) {
            if (f.while_condition) {
              if (core::Status s = expr(node, *f.while_condition, "while"); !s.is_ok()) return s;
            }
            return sub(f.body);
          } else if constexpr (std::is_same_v<F, TryCatchFields>) {
            if (core::Status s = sub(f.try_body); !s.is_ok()) return s;
            return sub(f.catch_body);
          } else if constexpr (std::is_same_v<F, RetryFields> ||
                               std::is_same_v<F, CircuitBreakerFields>) {
            return sub(f.body);
          } else {
            return core::Status();  // DB, AI and gRPC nodes hold no expressions
          }
        },
        node.fields);
  }

  std::unordered_set<const GraphSpec*> seen_;
};

}  // namespace

core::Result<Expression> compile_expression(const ExprSource& source, std::string_view node_id,
                                            std::string_view field) {
  core::Result<Expression> parsed = Expression::parse(source.text);
  if (parsed.is_ok()) return parsed;
  core::Error e = parsed.error();
  const SourcePos pos = position_in_file(source, e.context().column);
  e.with_file(pos.file, pos.line, pos.column);
  if (!node_id.empty()) e.with_node(std::string(node_id));
  e.with_field(std::string(field));
  return e;
}

core::Status check_expressions(const GraphSpec& spec) {
  return ExpressionChecker().check(spec);
}

}  // namespace graph
