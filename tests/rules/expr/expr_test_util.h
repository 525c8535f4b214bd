// Helpers shared by the expression tests: a fixed Scope of values and one-line
// parse-and-evaluate calls that report the source on failure.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "rules/expr/expression.h"

namespace rules::testing_util {

using expr::Json;

inline expr::ObjectScope sample_context() {
  return expr::ObjectScope(expr::Json::parse(R"({
    "amount": 150, "price": 12.5, "qty": 3, "tier": "gold", "name": "Ada", "flag": true,
    "nothing": null, "zero": 0, "big": 9223372036854775807, "huge": 18446744073709551615,
    "tags": ["a", "b", "c"], "nums": [4, 9, 1, 7], "empty": [],
    "user": {"age": 30, "name": "Bob", "address": {"city": "Oslo"}, "roles": ["admin"]},
    "order": {"items": [{"price": 5}, {"price": 8}, {"price": 11.5}]},
    "matrix": [[1, 2], [3, 4]], "i": 1, "key": "age"
  })"));
}

// Parses and evaluates `source`, failing the test (with the error) if either fails.
inline Json eval(std::string_view source, const expr::Scope& ctx = sample_context()) {
  core::Result<Expression> e = Expression::parse(source);
  if (!e.is_ok()) {
    ADD_FAILURE() << source << ": " << e.error().to_string();
    return Json();
  }
  core::Result<Json> r = e.value().evaluate(ctx);
  if (!r.is_ok()) {
    ADD_FAILURE() << source << ": " << r.error().to_string();
    return Json();
  }
  return r.value();
}

// The error of parsing `source`, which must fail.
inline core::Error parse_error(std::string_view source) {
  core::Result<Expression> e = Expression::parse(source);
  if (e.is_ok()) {
    ADD_FAILURE() << source << ": parsed, expected an error";
    return core::Error(core::ErrorCode::kInternal, "parsed");
  }
  return e.error();
}

// The error of evaluating `source`, which must parse and then fail.
inline core::Error eval_error(std::string_view source, const expr::Scope& ctx = sample_context()) {
  core::Result<Expression> e = Expression::parse(source);
  if (!e.is_ok()) {
    ADD_FAILURE() << source << ": " << e.error().to_string();
    return e.error();
  }
  core::Result<Json> r = e.value().evaluate(ctx);
  if (r.is_ok()) {
    ADD_FAILURE() << source << ": gave " << r.value().dump() << ", expected an error";
    return core::Error(core::ErrorCode::kInternal, "evaluated");
  }
  return r.error();
}

}  // namespace rules::testing_util
