// rules/expr/expression.h: the expression language of Logic Graph and its
// rules.
//
// Node conditions, edge rules and assignments are expressions over a Scope of
// named values (scope.h): a graph run's Context, or a rule session's facts. An
// Expression is parsed once, when the graph or rule file loads, into a compact
// tree; evaluate() walks that tree and never re-reads the source. Copies share
// the tree, so an Expression is cheap to copy and safe to evaluate from many
// threads at once (each with its own Scope). Below, "Context key" means a
// top-level name of the Scope.
//
//   auto cond = Expression::parse("amount > 100 && user.tier in ['gold', 'vip']");
//   core::Result<bool> ok = cond.value().evaluate_bool(ctx);
//
// Values are JSON values: null, booleans, 64-bit integers, doubles, strings,
// arrays and objects.
//
// Literals      42  3.5  1e-3  "double"  'single'  true  false  null  [1, 2, "x"]
//               Strings take the escapes \" \' \\ \n \t \r. A leading '-' is
//               an operator (so -9223372036854775808 is out of range).
// Paths         `amount`, `user.age`, `items[0].price`, `m[i][j]`, `obj["key"]`.
//               The first name is a Context key; an unset key is E010
//               ("context key 'user' is not set"). Below it, a missing member,
//               an index out of range (or negative) and any step through null
//               give null. A member of a non-object, or an index into a value
//               that is not an array (integers) or object (strings), is E003.
//               Keys must look like identifiers ([A-Za-z_][A-Za-z0-9_]*);
//               exists("any-key") tests others.
// Operators     low to high precedence, all left-associative:
//                 ||  or
//                 &&  and
//                 ==  !=
//                 <  <=  >  >=
//                 in  not in
//                 +  -
//                 *  /  %
//                 !  not  - (unary)
//                 .member  [index]  f(args)
//               `not` is exactly `!`: `not a == b` is `(!a) == b`.
// Logic         && || ! take booleans only (no truthiness; E003 names the type
//               they got). && and || evaluate their right side only when needed.
// Arithmetic    int op int stays int64 for + - * %, and overflow is E003.
//               `/` always gives a double (7 / 2 == 3.5), as in Python 3 and
//               JavaScript: a condition like `paid / total > 0.5` must not
//               truncate. `%` on ints truncates toward zero (-7 % 3 == -1), as
//               in C, Go and JavaScript; with a double it is fmod. A double on
//               either side makes the result a double; a result too large for
//               a double is E003. Division or modulo by zero is E003
//               ("division by zero") at the operator. `+` also joins two strings.
// Comparison    == and != work on any two values: numbers by value (1 == 1.0),
//               other values of one type structurally, values of different
//               types are simply unequal (never an error). < <= > >= order two
//               numbers or two strings (bytewise); anything else is E003
//               naming both types.
// in            `x in array` (an element == x), `s in string` (substring),
//               `k in object` (key present); `not in` negates. Anything else
//               on the right is E003.
// Functions     len(string|array|object)   characters (UTF-8), elements, members
//               min(a, b, ...) max(...)    numbers, or one array of numbers
//               abs(number)
//               lower(string) upper(string)   ASCII letters only
//               contains(haystack, x)      same as `x in haystack`
//               startswith(string, prefix)
//               round(number[, digits])    half away from zero; an int stays one
//               now()                      seconds since 1970 (UTC), a double
//               exists(path) exists("key") false when the key is unset or the
//                                          path leads to null, instead of E010
//               GRL's names work too: Len Min Max Abs ToLower ToUpper Contains
//               StartsWith Round Now; and `nil` is null.
//               An unknown name or a wrong argument count is E003 at parse time.
// Limits        sources up to 64 KiB; trees up to 256 levels deep; 16 arguments
//               per call. Deeper input is E003, never a stack overflow.
//
// Errors are core::Errors tagged E003 (expression) or E010 (context) whose
// context().column is the 1-based byte column in source() where it went wrong;
// callers add the node id and file (keeping or offsetting the column).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "rules/expr/scope.h"

namespace rules {

using expr::Json;
using expr::Scope;

namespace expr {
struct Program;
}

class Expression {
 public:
  // Parses once. On a syntax error: E003 with the column and what was
  // expected there, e.g. "expected ')' to close '(' at column 3, found end of
  // expression".
  static core::Result<Expression> parse(std::string_view source);

  // Evaluates against `ctx`, never re-parsing.
  core::Result<Json> evaluate(const Scope& ctx) const;
  // evaluate() for conditions: a result that is not a boolean is E003 naming
  // the type it got.
  core::Result<bool> evaluate_bool(const Scope& ctx) const;

  const std::string& source() const;
  // The top-level Context keys the expression reads (exists() arguments
  // included), in first-use order: for validation and dry runs.
  const std::vector<std::string>& referenced_keys() const;
  // The same, one level finer where the source allows: `Order.Total > 0`
  // reads "Order.Total", `Order == null` or `len(Order)` reads "Order". A
  // rule engine re-evaluates a condition only when one of these changed.
  const std::vector<std::string>& read_paths() const;
  // The compiled tree, for expr/'s own analyses (path_tests.h).
  const expr::Program& program() const { return *program_; }

 private:
  explicit Expression(std::shared_ptr<const expr::Program> program);

  std::shared_ptr<const expr::Program> program_;
};

}  // namespace rules
