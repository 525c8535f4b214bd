// Every error the language reports: its tag, its column and what it says.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expr_test_util.h"
#include "rules/expr/expression.h"

namespace rules {
namespace {

using testing_util::eval_error;
using testing_util::parse_error;
using testing_util::sample_context;

struct ErrorCase {
  std::string source;
  const char* tag;
  int column;
  const char* fragment;
};

void expect_error(const core::Error& e, const ErrorCase& c) {
  EXPECT_EQ(e.tag(), c.tag) << c.source << ": " << e.to_string();
  EXPECT_EQ(e.context().column, c.column) << c.source << ": " << e.to_string();
  EXPECT_NE(e.message().find(c.fragment), std::string::npos)
      << c.source << ": '" << e.message() << "' lacks '" << c.fragment << "'";
}

TEST(ExpressionErrorsTest, SyntaxErrorsAtParseTime) {
  const std::vector<ErrorCase> cases = {
      {"", "E003", 1, "empty expression"},
      {"   ", "E003", 1, "empty expression"},
      {"(1 + 2", "E003", 7, "expected ')' to close '(' at column 1, found end of expression"},
      {"a * (b + (c)", "E003", 13, "expected ')' to close '(' at column 5"},
      {"1 + 2)", "E003", 6, "unmatched ')'"},
      {"a b", "E003", 3, "expected an operator or the end of the expression, found 'b'"},
      {"1 +", "E003", 4, "expected a value, found end of expression"},
      {"* 2", "E003", 1, "expected a value, found '*'"},
      {"foo(1)", "E003", 1, "unknown function 'foo'"},
      {"x + bar(1)", "E003", 5, "the functions are abs, contains, exists"},
      {"len(1, 2)", "E003", 1, "len() takes 1 argument, got 2"},
      {"contains('a')", "E003", 1, "contains() takes 2 arguments, got 1"},
      {"min()", "E003", 1, "min() takes 1 to 16 arguments, got 0"},
      {"exists(1 + 2)", "E003", 10, "exists() takes a Context key"},
      {"'abc\\q'", "E003", 5, "unknown escape '\\q'"},
      {"x == \"abc", "E003", 6, "unterminated string: the \" at column 6 is never closed"},
      {"'abc\\", "E003", 1, "unterminated string"},
      {"a = 1", "E003", 3, "compare with '=='"},
      {"a & b", "E003", 3, "'&&'"},
      {"a | b", "E003", 3, "'||'"},
      {"a # b", "E003", 3, "unexpected character '#'"},
      {"12abc", "E003", 1, "invalid number '12abc'"},
      {"99999999999999999999", "E003", 1, "out of range for a 64-bit integer"},
      {"1e999", "E003", 1, "out of range for a 64-bit float"},
      {"user.", "E003", 6, "expected a member name after '.', found end of expression"},
      {"user.1", "E003", 6, "expected a member name after '.', found '1'"},
      {"tags[0", "E003", 7, "expected ']' to close '[' at column 5"},
      {"[1, 2", "E003", 6, "expected ',' or ']' to close '[' at column 1"},
      {"min(1 2)", "E003", 7, "expected ',' or ')' to close '(' at column 4, found '2'"},
      {"not in tags", "E003", 5, "expected a value, found 'in'"},
  };
  for (const ErrorCase& c : cases)
    expect_error(parse_error(c.source), c);
}

TEST(ExpressionErrorsTest, EvaluationErrorsNameTypesAndColumns) {
  const std::vector<ErrorCase> cases = {
      // type mismatches
      {"tier + 1", "E003", 6, "cannot apply '+' to string and number"},
      {"flag * 2", "E003", 6, "cannot apply '*' to boolean and number"},
      {"-tier", "E003", 1, "cannot apply '-' to string"},
      {"amount < 'x'", "E003", 8, "cannot compare number with string using '<'"},
      {"true >= false", "E003", 6, "cannot compare boolean with boolean"},
      {"nothing > 1", "E003", 9, "cannot compare null with number"},
      // logic without booleans
      {"amount && true", "E003", 8, "'&&' needs a boolean left side, got number"},
      {"false || 'x'", "E003", 7, "'||' needs a boolean right side, got string"},
      {"!amount", "E003", 1, "'!' needs a boolean operand, got number"},
      // division by zero, with the operator's column
      {"amount / 0", "E003", 8, "division by zero in '/'"},
      {"amount % zero", "E003", 8, "division by zero in '%'"},
      {"1.5 / 0.0", "E003", 5, "division by zero"},
      // integer overflow
      {"big + 1", "E003", 5, "integer overflow"},
      {"-big - 2", "E003", 6, "integer overflow"},
      {"big * 2", "E003", 5, "does not fit in 64 bits"},
      {"-(-9223372036854775807 - 1)", "E003", 1, "integer overflow"},
      {"abs(-9223372036854775807 - 1)", "E003", 1, "integer overflow: abs("},
      {"1e300 * 1e300", "E003", 7, "too large for a number"},
      // missing keys: E010 naming the key, at its column
      {"amount + missing", "E010", 10, "context key 'missing' is not set"},
      {"missing.deep", "E010", 1, "context key 'missing' is not set"},
      {"tags[missing]", "E010", 6, "'missing'"},
      // paths into values that have no members or elements
      {"amount.x", "E003", 8, "cannot read member 'x' of number"},
      {"tags.first", "E003", 6, "cannot read member 'first' of array"},
      {"name[0]", "E003", 5, "cannot index string with number"},
      {"tags['a']", "E003", 5, "cannot index array with string"},
      {"user[0]", "E003", 5, "cannot index object with number"},
      {"tags[1.5]", "E003", 5, "array index must be an integer, got 1.5"},
      // in
      {"1 in amount", "E003", 3, "'in' needs an array, string or object to look in, got number"},
      {"1 in name", "E003", 3, "'in' on string needs a string to look for, got number"},
      {"1 not in user", "E003", 3, "'not in' on object needs a string"},
      {"'a' in nothing", "E003", 5, "got null"},
      // functions
      {"len(amount)", "E003", 1, "len() takes a string, array or object, got number"},
      {"x + min(1, 'a')", "E003", 5, "min() takes numbers, got string"},
      {"max(empty)", "E003", 1, "max() of an empty array"},
      {"max(tags)", "E003", 1, "max() takes numbers, got string"},
      {"abs('x')", "E003", 1, "abs() takes a number, got string"},
      {"lower(1)", "E003", 1, "lower() takes a string, got number"},
      {"upper(null)", "E003", 1, "upper() takes a string, got null"},
      {"contains(1, 1)", "E003", 1, "contains() needs an array, string or object"},
      {"exists(amount.x)", "E003", 15, "cannot read member 'x' of number"},
  };
  expr::ObjectScope ctx = sample_context();
  ctx.set("x", 1);
  for (const ErrorCase& c : cases)
    expect_error(eval_error(c.source, ctx), c);
}

TEST(ExpressionErrorsTest, MissingKeySuggestsAGuard) {
  core::Error e = eval_error("missing > 1");
  EXPECT_NE(e.suggestion().find("exists(missing)"), std::string::npos) << e.to_string();
}

TEST(ExpressionErrorsTest, EvaluateBoolNamesTheTypeItGot) {
  expr::ObjectScope ctx = sample_context();
  core::Result<bool> r = Expression::parse("amount + 1").value().evaluate_bool(ctx);
  ASSERT_FALSE(r.is_ok());
  expect_error(r.error(), {"amount + 1", "E003", 1, "give a boolean, got number"});
  r = Expression::parse("nothing").value().evaluate_bool(ctx);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().message().find("got null"), std::string::npos);
}

TEST(ExpressionErrorsTest, CallersAddNodeAndFileAroundTheColumn) {
  core::Error e = parse_error("(a");
  e.with_node("approve").with_file("graph.yaml", 12, e.context().column);
  EXPECT_EQ(e.to_string(),
            "[E003] graph.yaml:12:3: node 'approve': expected ')' to close '(' at column 1, "
            "found end of expression");
}

TEST(ExpressionErrorsTest, DeepNestingFailsCleanly) {
  const ErrorCase too_deep{"", "E003", 0, "nested too deeply (more than 256 levels"};
  auto check = [&](const std::string& source) {
    core::Error e = parse_error(source);
    EXPECT_EQ(e.tag(), "E003") << source.substr(0, 40);
    EXPECT_NE(e.message().find(too_deep.fragment), std::string::npos) << e.message();
    EXPECT_GT(e.context().column, 0);
  };
  check(std::string(10000, '('));
  check(std::string(10000, '(') + "1" + std::string(10000, ')'));
  check(std::string(10000, '!') + "true");
  check(std::string(10000, '-') + "1");
  check(std::string(10000, '[') + std::string(10000, ']'));
  std::string sum = "1";
  for (int i = 0; i < 10000; ++i)
    sum += " + 1";
  check(sum);
  std::string calls;
  for (int i = 0; i < 5000; ++i)
    calls += "abs(";
  check(calls + "1" + std::string(5000, ')'));
  std::string path = "matrix";
  for (int i = 0; i < 5000; ++i)
    path += "[0]";
  check(path);
}

TEST(ExpressionErrorsTest, NestingJustUnderTheLimitWorks) {
  // 200 parentheses around a literal: deep, but within the limit.
  EXPECT_EQ(testing_util::eval(std::string(200, '(') + "7" + std::string(200, ')')), 7);
  std::string sum = "0";
  for (int i = 0; i < 200; ++i)
    sum += " + 1";
  EXPECT_EQ(testing_util::eval(sum), 200);
}

TEST(ExpressionErrorsTest, OverlongSourceIsRefused) {
  std::string source = "1" + std::string(70 * 1024, ' ');
  core::Error e = parse_error(source);
  EXPECT_EQ(e.tag(), "E003");
  EXPECT_NE(e.message().find("the limit is 65536"), std::string::npos) << e.message();
}

}  // namespace
}  // namespace rules
