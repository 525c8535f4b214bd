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

}  // namespace
}  // namespace rules
