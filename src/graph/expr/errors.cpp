#include "graph/expr/errors.h"

#include <utility>

#include "graph/graph_error.h"

namespace graph::expr {

namespace {
core::Error at_column(core::Error e, int column) {
  // No file or line is known here; the caller replaces them, keeping the column.
  e.with_file("", 0, column);
  return e;
}
}  // namespace

core::Error expression_error(int column, std::string message) {
  return at_column(graph_error(GraphErrorCode::kExpression, std::move(message)), column);
}

core::Error context_error(int column, std::string message) {
  return at_column(graph_error(GraphErrorCode::kContext, std::move(message)), column);
}

}  // namespace graph::expr
