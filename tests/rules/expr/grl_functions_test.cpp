// rules/expr: the functions GRL rules call by their GRL names, the new ones
// (startswith, round, now) and `nil`.
#include <gtest/gtest.h>

#include <ctime>

#include "expr_test_util.h"

namespace rules {
namespace {

using testing_util::eval;
using testing_util::eval_error;
using testing_util::parse_error;

TEST(GrlFunctions, GrlNamesAreTheSameFunctions) {
  EXPECT_EQ(eval("Len(name) == len(name)"), true);
  EXPECT_EQ(eval("ToUpper(tier)"), "GOLD");
  EXPECT_EQ(eval("ToLower('MiXed')"), "mixed");
  EXPECT_EQ(eval("Contains(tags, 'b') && Contains(name, 'd')"), true);
  EXPECT_EQ(eval("Max(1, 7, 3) + Min(nums) + Abs(-2)"), 10);
  EXPECT_EQ(eval("nothing == nil && nil == null"), true);
}

TEST(GrlFunctions, StartsWithRoundAndNow) {
  EXPECT_EQ(eval("StartsWith(name, 'Ad') && !startswith(name, 'da')"), true);
  EXPECT_EQ(eval("Round(2.5)"), 3.0);
  EXPECT_EQ(eval("Round(-2.5)"), -3.0);
  EXPECT_EQ(eval("round(3.14159, 2)"), 3.14);
  EXPECT_EQ(eval("Round(7)"), 7);
  double now = eval("Now()").get<double>();
  EXPECT_NEAR(now, static_cast<double>(std::time(nullptr)), 5.0);
  EXPECT_NE(eval_error("StartsWith(1, 'a')").message().find("two strings"), std::string::npos);
  EXPECT_NE(eval_error("Round('x')").message().find("a number"), std::string::npos);
  EXPECT_NE(eval_error("Round(1.5, 99)").message().find("0 to 15 digits"), std::string::npos);
  EXPECT_NE(parse_error("Now(1)").message().find("Now"), std::string::npos);
  EXPECT_NE(parse_error("Nowish()").message().find("unknown function"), std::string::npos);
}

TEST(GrlFunctions, MethodCallsPassTheValueAsTheFirstArgument) {
  EXPECT_EQ(eval("user.name.ToUpper()"), "BOB");
  EXPECT_EQ(eval("user.address.city.ToLower().Len()"), 4);
  EXPECT_EQ(eval("name.StartsWith('Ad') && tags.Contains('b') && !name.Contains('x')"), true);
  EXPECT_EQ(eval("price.Round() + (0 - qty).Abs()"), 16.0);
  EXPECT_EQ(eval("nums.Max() - nums.Min() + qty.Max(7, 5)"), 15);
  EXPECT_NE(eval_error("'abc'.upper() + user.roles[0].len()").message().find("'+'"),
            std::string::npos);
  EXPECT_EQ(eval("[1, 2, 3].len() == 3 && user.Len() == 4"), true);
  // A method reads what its receiver reads (the rule engine's read sets).
  auto e = Expression::parse("user.address.city.ToUpper() == 'OSLO' && tags.Contains(name)");
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_EQ(e.value().read_paths(), (std::vector<std::string>{"user.address", "tags", "name"}));
}

TEST(GrlFunctions, MethodCallErrors) {
  EXPECT_NE(parse_error("name.Shout()").message().find("unknown method 'Shout'"),
            std::string::npos);
  EXPECT_NE(parse_error("name.Now()").message().find("Now() is not a method"), std::string::npos);
  EXPECT_NE(parse_error("user.exists()").message().find("exists() is not a method"),
            std::string::npos);
  EXPECT_NE(parse_error("name.ToUpper(1)")
                .message()
                .find("ToUpper() takes 0 arguments after the value it is called on, got 1"),
            std::string::npos);
  EXPECT_NE(parse_error("name.StartsWith()")
                .message()
                .find("StartsWith() takes 1 argument after the value it is called on, got 0"),
            std::string::npos);
  EXPECT_EQ(parse_error("name.StartsWith()").context().column, 6);
  EXPECT_NE(eval_error("amount.ToUpper()").message().find("takes a string, got number"),
            std::string::npos);
}

}  // namespace
}  // namespace rules
