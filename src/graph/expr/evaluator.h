// graph/expr/evaluator.h: runs a Program against a Context.
//
// A recursive walk over the compiled tree (its height is capped by the
// parser). Results borrow from the Context and the Program where they can;
// see value.h.
#pragma once

#include "core/error.h"
#include "graph/context.h"
#include "graph/expr/program.h"
#include "graph/expr/value.h"

namespace graph::expr {

// Evaluates `program` into `out`; E003 or E010 at the failing node's column.
core::Status evaluate(const Program& program, const Context& ctx, Value& out);

}  // namespace graph::expr
