// rules/expr/parser.h: builds a Program from source text.
//
// A recursive-descent parser with precedence climbing for the binary
// operators. Its recursion and the height of the tree it builds are both
// capped at kMaxDepth, so 10,000 '(' or a 10,000-term sum is an E003 rather
// than a stack overflow here or in the evaluator.
#pragma once

#include <string_view>

#include "core/error.h"
#include "rules/expr/program.h"

namespace rules::expr {

// Compiles `source`; E003 with the column where it went wrong and what was
// expected there.
core::Result<Program> parse_program(std::string_view source);

}  // namespace rules::expr
