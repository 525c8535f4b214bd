// rules/expr/path_tests.h: conditions that only test paths against
// constants, flattened, for engines that evaluate many of them over the same
// values.
//
// `Fact.amount > 100 && Fact.country == "NO"` is two tests: the value at a
// path (a top-level name and members, no indexes) compared with a literal by
// == != < <= > or >=. A rule engine with hundreds of such conditions looks
// each distinct path up once per round and runs the tests on the values
// (rules/engine/session.cpp), instead of walking every tree.
//
// The result is exactly the expression's: tests run left to right and stop
// at the first false, as && does. Where the expression would fail (a name
// that is not set, a member of a number, `"a" > 1`), run_test and
// resolve_path say "don't know" and the caller evaluates the expression
// itself, which gives the error with its column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/expr/expression.h"
#include "rules/expr/program.h"

namespace rules::expr {

struct PathTest {
  std::string key;                   // the top-level name: "Fact"
  std::vector<std::string> members;  // then these members: {"amount"}
  Op op = Op::kEq;                   // kEq kNe kLt kLe kGt kGe
  Json literal;                      // on the right-hand side
};

// The tests `e` is made of: `T && T && ...` (or one T) where each T is
// `PATH op LITERAL`; nullopt for any other shape.
std::optional<std::vector<PathTest>> path_tests(const Expression& e);

// The value at key.members in `scope`, as the expression would read it (a
// missing member, or any step through null, is null); nullptr where reading
// it would be an error (the key is not set, a member of a non-object).
const Json* resolve_path(const Scope& scope, const std::string& key,
                         const std::vector<std::string>& members);

// `value op literal`, or nullopt where the expression would fail.
std::optional<bool> run_test(Op op, const Json& value, const Json& literal);

}  // namespace rules::expr
