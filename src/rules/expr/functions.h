// rules/expr/functions.h: the built-in functions.
//
// The set is closed: the parser resolves a name to a Function and checks its
// arity once, so an unknown name or a wrong argument count is a load-time
// error and a call costs no lookup when evaluated.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "rules/expr/program.h"
#include "rules/expr/value.h"

namespace rules::expr {

struct FunctionInfo {
  std::string_view name;
  Function fn;
  int min_args;
  int max_args;
};

// The function called `name`, or nullptr.
const FunctionInfo* find_function(std::string_view name);
const FunctionInfo& function_info(Function fn);
// "abs, contains, ...", for the unknown-function message.
std::string function_names();

// Applies `fn` to evaluated arguments; E003 at `column` for an argument of the
// wrong type. Not for kExists, which reads the Context itself (evaluator).
core::Status call_function(Function fn, std::span<const Value> args, int column, Value& out);

}  // namespace rules::expr
