#include "rules/expr/expression.h"

#include <utility>

#include "rules/expr/errors.h"
#include "rules/expr/evaluator.h"
#include "rules/expr/parser.h"
#include "rules/expr/program.h"
#include "rules/expr/value.h"

namespace rules {

Expression::Expression(std::shared_ptr<const expr::Program> program)
    : program_(std::move(program)) {}

core::Result<Expression> Expression::parse(std::string_view source) {
  core::Result<expr::Program> program = expr::parse_program(source);
  if (!program.is_ok()) return program.error();
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

}  // namespace rules
