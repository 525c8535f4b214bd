// What valid expressions evaluate to: precedence, every operator and
// function, int/float mixing, null handling, paths.
#include "rules/expr/expression.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "expr_test_util.h"

namespace rules {
namespace {

using testing_util::eval;
using testing_util::sample_context;

struct Case {
  const char* source;
  Json expected;
};

void check_cases(const std::vector<Case>& cases) {
  expr::ObjectScope ctx = sample_context();
  for (const Case& c : cases) {
    Json got = eval(c.source, ctx);
    EXPECT_EQ(got, c.expected) << c.source << " gave " << got.dump();
    // Integers must stay integers and `/` must give a double: == alone would
    // accept 2 for 2.0.
    EXPECT_EQ(got.is_number_float(), c.expected.is_number_float()) << c.source;
  }
}

TEST(ExpressionTest, PrecedenceAndAssociativity) {
  check_cases({
      {"1 + 2 * 3", 7},
      {"(1 + 2) * 3", 9},
      {"10 - 4 - 3", 3},      // left-associative
      {"2 * 3 % 4", 2},       // (2*3)%4
      {"100 / 10 / 5", 2.0},  // (100/10)/5
      {"-2 * 3", -6},
      {"-(2 + 3)", -5},
      {"- -4", 4},
      {"1 + 2 == 3", true},
      {"1 < 2 == true", true},           // (1<2) == true
      {"2 + 3 in [5]", true},            // + binds tighter than in
      {"1 in [1] == true", true},        // in binds tighter than ==
      {"true || false && false", true},  // && binds tighter than ||
      {"(true || false) && false", false},
      {"!false && false", false},  // ! binds tighter than &&
      {"!(false && false)", true},
      {"not true or true", true},
      {"1 < 2 && 3 > 2 || false", true},
      {"user.age + 1 * 2", 32},
      {"nums[0] * nums[1] - 1", 35},
      {"!flag == false", true},
      {"2 * -3", -6},
  });
}

TEST(ExpressionTest, Literals) {
  check_cases({
      {"42", 42},
      {"3.25", 3.25},
      {"1e3", 1000.0},
      {"2.5E-1", 0.25},
      {"\"a\\\"b\\\\c\\n\\t\\r\"", "a\"b\\c\n\t\r"},
      {"'it\\'s'", "it's"},
      {"'say \"hi\"'", "say \"hi\""},
      {"true", true},
      {"false", false},
      {"null", nullptr},
      {"[1, 2, 'x']", Json::array({1, 2, "x"})},
      {"[]", Json::array()},
      {"[amount, [1]]", Json::array({150, Json::array({1})})},
      {"-0.5", -0.5},
      {"9223372036854775807", INT64_MAX},
  });
}

TEST(ExpressionTest, ArithmeticKeepsIntsAndMixesToDouble) {
  check_cases({
      {"7 + 2", 9},
      {"7 - 9", -2},
      {"7 * 3", 21},
      {"7 % 3", 1},
      {"-7 % 3", -1},  // truncates toward zero, like C and JavaScript
      {"7 % -3", 1},
      {"7 / 2", 3.5},  // `/` is always a double
      {"6 / 2", 3.0},
      {"7.5 % 2", 1.5},
      {"1 + 0.5", 1.5},
      {"price * qty", 37.5},
      {"amount - 0.5", 149.5},
      {"qty * 2", 6},
      {"'ab' + 'cd'", "abcd"},
      {"name + '!'", "Ada!"},
      {"big - 1", INT64_MAX - 1},
      {"-9223372036854775807 - 1", INT64_MIN},
      {"(-9223372036854775807 - 1) % -1", 0},  // INT64_MIN % -1 is 0, not UB
      {"huge / 2", 9223372036854775807.5},     // uint64 beyond int64 is a double
  });
}

TEST(ExpressionTest, Comparisons) {
  check_cases({
      {"1 < 2", true},
      {"2 <= 2", true},
      {"3 > 4", false},
      {"3 >= 3.0", true},
      {"1 == 1.0", true},
      {"2 != 2", false},
      {"1.5 < 2", true},
      {"'abc' < 'abd'", true},
      {"'b' > 'abc'", true},
      {"'x' <= 'x'", true},
      {"tier == 'gold'", true},
      {"tier != 'gold'", false},
      {"true == true", true},
      {"null == null", true},
      {"nothing == null", true},
      {"1 == '1'", false},  // different types: unequal, not an error
      {"1 != '1'", true},
      {"null == false", false},
      {"tags == ['a', 'b', 'c']", true},
      {"user.roles == ['admin']", true},
  });
}

TEST(ExpressionTest, LogicShortCircuits) {
  check_cases({
      {"true && true", true},
      {"true and false", false},
      {"false || true", true},
      {"false or false", false},
      {"!true", false},
      {"not false", true},
      // The right side is not evaluated, so neither its missing key nor its
      // division by zero matters.
      {"false && missing_key > 1", false},
      {"true || 1 / 0 > 1", true},
      {"exists(missing) && missing > 3", false},
  });
}

TEST(ExpressionTest, InOnEveryContainer) {
  check_cases({
      {"'b' in tags", true},
      {"'z' in tags", false},
      {"'z' not in tags", true},
      {"1 in [1.0, 2]", true},
      {"[1] in [[1], [2]]", true},
      {"'da' in name", true},
      {"'x' in name", false},
      {"'' in name", true},
      {"'age' in user", true},
      {"'city' in user", false},
      {"'city' not in user", true},
      {"tier in ['gold', 'vip']", true},
      {"user.age in [30, 40]", true},
      {"null in [null]", true},
  });
}

TEST(ExpressionTest, PathsAndIndexing) {
  check_cases({
      {"amount", 150},
      {"user.age", 30},
      {"user.address.city", "Oslo"},
      {"order.items[2].price", 11.5},
      {"order.items[0]", Json{{"price", 5}}},
      {"matrix[1][0]", 3},
      {"matrix[i][i]", 4},  // index by a sub-expression
      {"nums[i + 1]", 1},
      {"user['name']", "Bob"},
      {"user[key]", 30},
      {"user.roles[0]", "admin"},
      {"tags[3]", nullptr},            // out of range
      {"tags[-1]", nullptr},           // negative: out of range too
      {"user.email", nullptr},         // missing member
      {"user.email.domain", nullptr},  // a step through null stays null
      {"nothing.x", nullptr},
      {"nothing[0]", nullptr},
      {"[10, 20, 30][1]", 20},  // indexing a computed value
      {"[amount, 2][0]", 150},
      {"(user).age", 30},
  });
}

TEST(ExpressionTest, KeywordsAreValidMemberNames) {
  expr::ObjectScope ctx;
  ctx.set("req", Json{{"in", 1}, {"not", 2}, {"null", 3}});
  EXPECT_EQ(eval("req.in + req.not + req.null", ctx), 6);
}

TEST(ExpressionTest, NullHandling) {
  check_cases({
      {"nothing", nullptr},
      {"nothing == null", true},
      {"user.email == null", true},
      {"user.email != null", false},
      {"exists(nothing)", false},
      {"exists(user.email)", false},
      {"exists(user.age)", true},
      {"exists(missing)", false},
      {"exists(missing.deep[0])", false},
      {"exists(amount)", true},
      {"exists('amount')", true},
      {"exists('not-an-identifier')", false},
  });
}

TEST(ExpressionTest, Functions) {
  check_cases({
      {"len('héllo')", 5},  // characters, not bytes
      {"len('')", 0},
      {"len(tags)", 3},
      {"len(user)", 4},
      {"len(empty)", 0},
      {"min(3, 1, 2)", 1},
      {"max(3, 1, 2)", 3},
      {"min(2, 1.5)", 1.5},
      {"max(2, 2.0)", 2},  // ties keep the first
      {"min(nums)", 1},
      {"max(nums)", 9},
      {"max(order.items[0].price, 7)", 7},
      {"min(5)", 5},
      {"abs(-3)", 3},
      {"abs(3)", 3},
      {"abs(-2.5)", 2.5},
      {"lower('MiXeD 1')", "mixed 1"},
      {"upper(name)", "ADA"},
      {"contains(tags, 'a')", true},
      {"contains(name, 'Ad')", true},
      {"contains(user, 'roles')", true},
      {"contains(nums, 5)", false},
      {"len(lower(name) + upper(name))", 6},
  });
}

TEST(ExpressionTest, EvaluateBoolReturnsTheCondition) {
  expr::ObjectScope ctx = sample_context();
  core::Result<Expression> e = Expression::parse("amount > 100 && tier == \"gold\"");
  ASSERT_TRUE(e.is_ok()) << e.error().to_string();
  core::Result<bool> r = e.value().evaluate_bool(ctx);
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_TRUE(r.value());
  ctx.set("amount", 99);
  EXPECT_FALSE(e.value().evaluate_bool(ctx).value());
}

TEST(ExpressionTest, SourceAndReferencedKeysInFirstUseOrder) {
  core::Result<Expression> e =
      Expression::parse("user.age > 18 && amount + user.bonus > limit[idx] || exists(flag)");
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e.value().source(),
            "user.age > 18 && amount + user.bonus > limit[idx] || exists(flag)");
  EXPECT_EQ(e.value().referenced_keys(),
            (std::vector<std::string>{"user", "amount", "limit", "idx", "flag"}));
  EXPECT_TRUE(Expression::parse("1 + 2").value().referenced_keys().empty());
  EXPECT_EQ(Expression::parse("exists('a-b') && b").value().referenced_keys(),
            (std::vector<std::string>{"a-b", "b"}));
}

TEST(ExpressionTest, CopiesShareTheTreeAndEvaluateConcurrently) {
  Expression e = Expression::parse("user.age * 2 + len(tags)").value();
  Expression copy = e;
  EXPECT_EQ(&copy.source(), &e.source()) << "a copy shares the compiled program";
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      expr::ObjectScope ctx = sample_context();
      for (int i = 0; i < 500; ++i)
        good[t] += copy.evaluate(ctx).value() == 63;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(good, std::vector<int>(4, 500));
}

TEST(ExpressionTest, EvaluationReadsTheContextNotTheParseTimeState) {
  Expression e = Expression::parse("x * 2").value();
  expr::ObjectScope ctx;
  for (int i = 0; i < 5; ++i) {
    ctx.set("x", i);
    EXPECT_EQ(e.evaluate(ctx).value(), 2 * i);
  }
  ctx.set("x", 1.5);
  EXPECT_EQ(e.evaluate(ctx).value(), 3.0);
}

TEST(ExpressionTest, WhitespaceIsFree) {
  EXPECT_EQ(eval("  \t( 1+2 )\n*\r3  "), 9);
  EXPECT_EQ(eval("user . age"), 30);
}

}  // namespace
}  // namespace rules
