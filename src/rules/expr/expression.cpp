#include "rules/expr/expression.h"

#include <algorithm>
#include <utility>

#include "core/containers/append_unique.h"
#include "rules/expr/errors.h"
#include "rules/expr/evaluator.h"
#include "rules/expr/parser.h"
#include "rules/expr/program.h"
#include "rules/expr/value.h"

namespace rules {

Expression::Expression(std::shared_ptr<const expr::Program> program)
    : program_(std::move(program)) {}

namespace {

// Program::read_paths: a key whose node is the base of a member access is
// read at "key.member"; a key used any other way (compared, indexed, passed
// to a function, named by exists()) is read whole.
std::vector<std::string> compute_read_paths(const expr::Program& p) {
  std::vector<char> member_base(p.nodes.size(), 0);
  std::vector<std::string> out;
  for (const expr::Node& n : p.nodes) {
    if (n.op == expr::Op::kMember && p.nodes[n.a].op == expr::Op::kKey) {
      member_base[n.a] = 1;
      core::append_unique(out, p.keys[p.nodes[n.a].a] + "." + p.names[n.b]);
    }
  }
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (p.nodes[i].op == expr::Op::kKey && !member_base[i])
      core::append_unique(out, p.keys[p.nodes[i].a]);
  }
  // Keys read without a key node (exists("name")).
  for (const std::string& key : p.keys) {
    bool seen = false;
    for (const std::string& path : out)
      seen = seen || path == key || path.starts_with(key + ".");
    if (!seen) core::append_unique(out, key);
  }
  return out;
}

}  // namespace

core::Result<Expression> Expression::parse(std::string_view source) {
  core::Result<expr::Program> program = expr::parse_program(source);
  if (!program.is_ok()) return program.error();
  program.value().read_paths = compute_read_paths(program.value());
  return Expression(std::make_shared<const expr::Program>(std::move(program).value()));
}

core::Result<Json> Expression::evaluate(const Scope& ctx) const {
  expr::Value v;
  core::Status s = expr::evaluate(*program_, ctx, v);
  if (!s.is_ok()) return s.error();
  return v.release();
}

core::Result<bool> Expression::evaluate_bool(const Scope& ctx) const {
  expr::Value v;
  core::Status s = expr::evaluate(*program_, ctx, v);
  if (!s.is_ok()) return s.error();
  if (!v.get().is_boolean()) {
    return expr::expression_error(
        1, std::string("expected the expression to give a boolean, got ") + v.get().type_name());
  }
  return v.get().get<bool>();
}

const std::string& Expression::source() const {
  return program_->source;
}

const std::vector<std::string>& Expression::referenced_keys() const {
  return program_->keys;
}

const std::vector<std::string>& Expression::read_paths() const {
  return program_->read_paths;
}

}  // namespace rules
