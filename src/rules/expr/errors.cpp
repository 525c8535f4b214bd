#include "rules/expr/errors.h"

#include <utility>

namespace rules::expr {

namespace {
core::Error at_column(core::Error e, int column) {
  // No file or line is known here; the caller replaces them, keeping the column.
  e.with_file("", 0, column);
  return e;
}
}  // namespace

core::Error expression_error(int column, std::string message) {
  core::Error e(core::ErrorCode::kInvalidArgument, std::move(message));
  e.with_tag(kExpressionErrorTag);
  return at_column(std::move(e), column);
}

core::Error context_error(int column, std::string message) {
  core::Error e(core::ErrorCode::kNotFound, std::move(message));
  e.with_tag(kMissingNameErrorTag);
  return at_column(std::move(e), column);
}

}  // namespace rules::expr
