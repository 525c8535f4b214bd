// rules/expr/operations.h: what the operators do to JSON values.
//
// Shared by the evaluator and the functions (min/max order numbers the way
// `<` does, contains() is `in`). Each returns E003 at `column`, naming the
// types involved, when the values do not fit the operator.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "rules/expr/program.h"
#include "rules/expr/scope.h"

namespace rules::expr {

// nlohmann::json keeps signed, unsigned and float numbers apart; the language
// has int64 and double. Unsigned values above INT64_MAX become doubles.
struct Number {
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
  double as_double() const { return is_int ? static_cast<double>(i) : d; }
};
bool as_number(const Json& v, Number& out);

// a op b for + - * / %.
core::Status arithmetic(Op op, const Json& a, const Json& b, int column, Json& out);
// -a.
core::Status negate(const Json& a, int column, Json& out);
// == : numbers compare by value (1 == 1.0), other values of one type
// structurally; values of different types are unequal.
bool equal(const Json& a, const Json& b);
// a op b for < <= > >=: two numbers or two strings.
core::Status compare(Op op, const Json& a, const Json& b, int column, bool& out);
// Three-way order of two numbers: <0, 0, >0.
int order(const Number& a, const Number& b);
// Whether `needle` is in `haystack` (array element, substring, object key);
// `what` names the operator or function in messages.
core::Status contains(const Json& haystack, const Json& needle, int column, std::string_view what,
                      bool& out);

}  // namespace rules::expr
