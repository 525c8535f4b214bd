#include "rules/grl/grl_parser.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

#include "rules/grl/source_text.h"

namespace rules::grl {
namespace {

constexpr size_t kMaxFileBytes = 16u << 20;
constexpr int kMaxIfDepth = 32;

struct ActionInfo {
  std::string_view name;
  Action action;
  int min_args;
  int max_args;  // -1: any
};

constexpr ActionInfo kActions[] = {
    {"Retract", Action::kRetract, 1, 1}, {"Update", Action::kUpdate, 1, 1},
    {"Changed", Action::kChanged, 1, 1}, {"Complete", Action::kComplete, 0, 0},
    {"Log", Action::kLog, 1, -1},
};

bool is_identifier(std::string_view word) {
  if (word.empty() || (word[0] >= '0' && word[0] <= '9')) return false;
  return word.find('-') == std::string_view::npos;
}

const ActionInfo* find_action(std::string_view name) {
  for (const auto& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : src_(text, file) {}

  core::Result<RuleSet> parse() {
    RuleSet set;
    set.file = src_.file();
    for (;;) {
      if (auto s = src_.skip_blank(); !s) return s.error();
      if (src_.at_end()) return set;
      size_t start = src_.offset();
      auto rule = parse_rule();
      if (!rule) return rule.error();
      for (const Rule& other : set.rules) {
        if (other.name == rule.value().name) {
          return src_.error_at(start, "rule \"" + other.name + "\" is already defined at line " +
                                          std::to_string(other.pos.line));
        }
      }
      set.rules.push_back(std::move(rule).value());
    }
  }

 private:
  // Skips blanks, then reads a word; the cursor is left at the word.
  core::Result<std::string_view> next_word() {
    if (auto s = src_.skip_blank(); !s) return s.error();
    return src_.read_word();
  }

  core::Status expect_word(std::string_view want, const std::string& where) {
    if (auto s = src_.skip_blank(); !s) return s;
    size_t at = src_.offset();
    std::string found = src_.describe_next();
    if (src_.read_word() == want) return {};
    return src_.error_at(at, "expected '" + std::string(want) + "' " + where + ", found " + found);
  }

  core::Status expect_char(char c, const std::string& where) {
    if (auto s = src_.skip_blank(); !s) return s;
    if (src_.accept(c)) return {};
    return src_.error("expected '" + std::string(1, c) + "' " + where + ", found " +
                      src_.describe_next());
  }

  // An expression up to one of `stops`, compiled; errors point into the file.
  // `start_pos`, when given, receives where the expression starts.
  core::Result<Expression> expression(const std::vector<std::string_view>& stops,
                                      const std::string& what, SourcePos* start_pos = nullptr) {
    if (auto s = src_.skip_blank(); !s) return s.error();
    size_t start = src_.offset();
    if (start_pos != nullptr) *start_pos = src_.pos();
    auto text = src_.cut_expression(stops, what);
    if (!text) return text.error();
    // Trailing blanks (the line break before `then`) are not the expression's.
    text.value().erase(text.value().find_last_not_of(" \t\r\n") + 1);
    if (text.value().find_first_not_of(" \t\r\n") == std::string::npos) {
      return src_.error_at(start, "expected " + what + ", found " + src_.describe_next());
    }
    auto parsed = Expression::parse(text.value());
    if (parsed) return std::move(parsed).value();
    const core::Error& inner = parsed.error();
    int column = inner.context().column > 0 ? inner.context().column : 1;
    core::Error e = src_.error_at(start + static_cast<size_t>(column - 1),
                                  "in " + what + ": " + inner.message());
    return e;
  }

  struct Header {
    std::string name;
    std::string description;
    int salience = 0;
    bool no_loop = false;
    SourcePos pos;
  };

  core::Result<Rule> parse_rule() {
    Header rule;
    rule.pos = src_.pos();
    if (auto s = expect_word("rule", "at the start of a rule"); !s) return s.error();
    if (auto s = src_.skip_blank(); !s) return s.error();
    if (src_.peek() == '"') {
      auto name = src_.read_string();
      if (!name) return name.error();
      rule.name = std::move(name).value();
    } else {
      rule.name = std::string(src_.read_word());
    }
    if (rule.name.empty())
      return src_.error("expected the rule's name, found " + src_.describe_next());
    const std::string in_rule = "in rule \"" + rule.name + "\"";
    if (auto s = src_.skip_blank(); !s) return s.error();
    if (src_.peek() == '"') {
      auto description = src_.read_string();
      if (!description) return description.error();
      rule.description = std::move(description).value();
    }
    if (auto s = attributes(rule, in_rule, /*inside=*/false); !s) return s.error();
    if (auto s = expect_char('{', "to open rule \"" + rule.name + "\""); !s) return s.error();
    if (auto s = attributes(rule, in_rule, /*inside=*/true); !s) return s.error();
    if (auto s = expect_word("when", in_rule); !s) return s.error();
    SourcePos when_pos;
    auto when = expression({"then"}, "the condition of rule \"" + rule.name + "\"", &when_pos);
    if (!when) return when.error();
    if (auto s = expect_word("then", in_rule); !s) return s.error();
    auto then = statements(in_rule, 0);
    if (!then) return then.error();
    if (auto s = expect_char('}', "to close rule \"" + rule.name + "\""); !s) return s.error();
    return Rule{std::move(rule.name),    std::move(rule.description), rule.salience, rule.no_loop,
                std::move(when).value(), std::move(then).value(),     rule.pos,      when_pos};
  }

  // `salience N` and `no-loop`, before the block or at its start.
  core::Status attributes(Header& rule, const std::string& in_rule, bool inside) {
    for (;;) {
      if (auto s = src_.skip_blank(); !s) return s;
      size_t at = src_.offset();
      std::string_view word = src_.read_word();
      if (word == "salience") {
        if (auto s = src_.skip_blank(); !s) return s;
        auto n = src_.read_int();
        if (!n) return n.error();
        rule.salience = n.value();
      } else if (word == "no-loop") {
        rule.no_loop = true;
      } else if (word.empty() || inside || word == "when" || word == "then") {
        // Inside the block anything else starts the rule's body.
        src_.seek(at);
        return {};
      } else {
        return src_.error_at(at, "unknown attribute '" + std::string(word) + "' " + in_rule +
                                     " (expected salience or no-loop)");
      }
    }
  }

  // Statements up to (not including) the '}' that closes their block.
  core::Result<std::vector<Statement>> statements(const std::string& in_rule, int depth) {
    std::vector<Statement> out;
    for (;;) {
      if (auto s = src_.skip_blank(); !s) return s.error();
      if (src_.at_end() || src_.peek() == '}') return out;
      auto st = statement(in_rule, depth);
      if (!st) return st.error();
      out.push_back(std::move(st).value());
    }
  }

  core::Result<Statement> statement(const std::string& in_rule, int depth) {
    size_t start = src_.offset();
    SourcePos pos = src_.pos();
    std::string found = src_.describe_next();
    std::string_view word = src_.read_word();
    if (!is_identifier(word)) {
      src_.seek(start);
      return src_.error("expected a statement " + in_rule +
                        " (an assignment, an action or if), found " + found);
    }
    if (word == "if") {
      if (depth >= kMaxIfDepth) {
        return src_.error_at(start, "if blocks nested deeper than " + std::to_string(kMaxIfDepth));
      }
      auto body = if_else(in_rule, depth);
      if (!body) return body.error();
      return Statement{pos, std::move(body).value()};
    }
    if (auto s = src_.skip_blank(); !s) return s.error();
    std::optional<Statement> st;
    if (src_.peek() == '(') {
      auto call = action(word, start, in_rule);
      if (!call) return call.error();
      st.emplace(Statement{pos, std::move(call).value()});
    } else {
      auto assign = assignment(word, start, in_rule);
      if (!assign) return assign.error();
      st.emplace(Statement{pos, std::move(assign).value()});
    }
    // `;` ends a statement; before the block's '}' it may be left out.
    if (auto s = src_.skip_blank(); !s) return s.error();
    if (src_.accept(';') || src_.peek() == '}') return std::move(*st);
    return src_.error("expected ';' after the statement, found " + src_.describe_next());
  }

  core::Result<IfElse> if_else(const std::string& in_rule, int depth) {
    auto condition = expression({"{"}, "the if condition " + in_rule);
    if (!condition) return condition.error();
    IfElse out{std::move(condition).value(), {}, {}};
    auto block = [&](std::vector<Statement>& into) -> core::Status {
      if (auto s = expect_char('{', "to open the block"); !s) return s;
      auto body = statements(in_rule, depth + 1);
      if (!body) return body.error();
      into = std::move(body).value();
      return expect_char('}', "to close the block");
    };
    if (auto s = block(out.then_branch); !s) return s.error();
    if (auto s = src_.skip_blank(); !s) return s.error();
    size_t at = src_.offset();
    if (src_.read_word() != "else") {
      src_.seek(at);
      src_.accept(';');  // `if ... { } ;` is tolerated
      return out;
    }
    if (auto s = src_.skip_blank(); !s) return s.error();
    size_t nested = src_.offset();
    if (src_.read_word() == "if") {
      src_.seek(nested);
      auto st = statement(in_rule, depth + 1);
      if (!st) return st.error();
      out.else_branch.push_back(std::move(st).value());
      return out;
    }
    src_.seek(nested);
    if (auto s = block(out.else_branch); !s) return s.error();
    return out;
  }

  core::Result<ActionCall> action(std::string_view name, size_t start, const std::string& in_rule) {
    const ActionInfo* info = find_action(name);
    if (info == nullptr) {
      return src_.error_at(start, "unknown action '" + std::string(name) + "' " + in_rule +
                                      " (expected Retract, Update, Changed, Complete or Log)");
    }
    ActionCall call{info->action, {}};
    src_.accept('(');
    if (auto s = src_.skip_blank(); !s) return s.error();
    if (!src_.accept(')')) {
      for (;;) {
        std::string what = "argument " + std::to_string(call.args.size() + 1) + " of " +
                           std::string(name) + " " + in_rule;
        auto arg = expression({",", ")"}, what);
        if (!arg) return arg.error();
        call.args.push_back(std::move(arg).value());
        if (src_.accept(')')) break;
        src_.accept(',');
      }
    }
    int n = static_cast<int>(call.args.size());
    if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
      std::string want = info->max_args < 0 ? "at least " + std::to_string(info->min_args)
                                            : std::to_string(info->min_args);
      return src_.error_at(start, std::string(name) + " takes " + want + " argument" +
                                      (want == "1" ? "" : "s") + ", found " + std::to_string(n));
    }
    return call;
  }

  core::Result<Assignment> assignment(std::string_view fact, size_t start,
                                      const std::string& in_rule) {
    std::vector<std::string> fields;
    AssignOp op = AssignOp::kSet;
    while (src_.accept('.')) {
      std::string_view field = src_.read_word();
      if (field.empty()) {
        return src_.error("expected a field name after '.', found " + src_.describe_next());
      }
      fields.emplace_back(field);
    }
    if (auto s = src_.skip_blank(); !s) return s.error();
    std::string target(fact);
    for (const auto& f : fields)
      target += "." + f;
    if (src_.peek() == '+' && src_.peek(1) == '=') {
      op = AssignOp::kAdd;
    } else if (src_.peek() == '-' && src_.peek(1) == '=') {
      op = AssignOp::kSubtract;
    } else if (src_.peek() != '=' || src_.peek(1) == '=') {
      return src_.error("expected '=', '+=' or '-=' after '" + target + "' " + in_rule +
                        ", found " + src_.describe_next());
    }
    if (fields.empty()) {
      return src_.error_at(
          start, "an assignment needs a fact's field (Fact.Field), found '" + target + "'");
    }
    if (op != AssignOp::kSet) src_.accept(src_.peek());  // the + or -
    src_.accept('=');
    auto value = expression({";", "}"}, "the value assigned to " + target);
    if (!value) return value.error();
    return Assignment{std::string(fact), std::move(fields), op, std::move(value).value()};
  }

  SourceText src_;
};

}  // namespace

const char* action_name(Action action) {
  for (const auto& a : kActions) {
    if (a.action == action) return a.name.data();
  }
  return "?";
}

SourcePos position_in(const Expression& expr, SourcePos start, int column) {
  // The source is the file's text from `start` (comments blanked to spaces,
  // so offsets are the file's).
  const std::string& text = expr.source();
  size_t offset = std::min(static_cast<size_t>(std::max(column, 1) - 1), text.size());
  SourcePos pos = start;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

core::Result<RuleSet> parse_grl(std::string_view text, const std::string& file) {
  if (text.size() > kMaxFileBytes) {
    return core::Error(core::ErrorCode::kInvalidArgument, "rule file is larger than 16 MiB")
        .with_file(file);
  }
  return Parser(text, file).parse();
}

core::Result<RuleSet> load_grl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return core::Error(core::ErrorCode::kNotFound, "cannot read the rule file").with_file(path);
  std::string text;
  text.resize(kMaxFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return parse_grl(text, path);
}

}  // namespace rules::grl
