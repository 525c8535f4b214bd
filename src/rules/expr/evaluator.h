// rules/expr/evaluator.h: runs a Program against a Scope.
//
// A recursive walk over the compiled tree (its height is capped by the
// parser). Results borrow from the Scope and the Program where they can;
// see value.h.
#pragma once

#include "core/error.h"
#include "rules/expr/program.h"
#include "rules/expr/scope.h"
#include "rules/expr/value.h"

namespace rules::expr {

// Evaluates `program` into `out`; E003 or E010 at the failing node's column.
core::Status evaluate(const Program& program, const Scope& ctx, Value& out);

}  // namespace rules::expr
