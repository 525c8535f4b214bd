// rules/expr/errors.h: the errors the expression language reports.
//
// Every error carries the 1-based column in the expression source where it
// happened, in ErrorContext::column, so a caller that knows where the source
// sits in a file can point at the exact character.
#pragma once

#include <string>

#include "core/error.h"

namespace rules::expr {

// The language's two stable error codes. The Logic Graph reports them as its
// own E003 and E010 (graph/graph_error.h), so they keep those numbers.
inline constexpr const char* kExpressionErrorTag = "E003";
inline constexpr const char* kMissingNameErrorTag = "E010";

// E003: the expression is malformed or an operator got values it cannot use.
core::Error expression_error(int column, std::string message);
// E010: the expression read a Context key that is not set.
core::Error context_error(int column, std::string message);

}  // namespace rules::expr
