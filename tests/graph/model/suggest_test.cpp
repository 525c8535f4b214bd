#include "graph/model/suggest.h"

#include <gtest/gtest.h>

#include <string_view>

namespace graph {
namespace {

constexpr std::string_view kNames[] = {"condition", "on_true", "on_false", "node", "body"};

TEST(SuggestTest, NearestWithinTwoEdits) {
  EXPECT_EQ(closest_name("conditon", kNames), "condition");
  EXPECT_EQ(closest_name("Condition", kNames), "condition");  // case is free
  EXPECT_EQ(closest_name("on_ture", kNames), "on_true");
  EXPECT_EQ(closest_name("on_fals", kNames), "on_false");
}

TEST(SuggestTest, NothingWhenTooFar) {
  EXPECT_FALSE(closest_name("query", kNames));
  EXPECT_FALSE(closest_name("", kNames));
  // Two edits would turn "ab" into anything of length two: too short to guess.
  EXPECT_FALSE(closest_name("xy", std::span<const std::string_view>(kNames)));
}

TEST(SuggestTest, TiesGoToTheEarlierCandidate) {
  constexpr std::string_view names[] = {"node", "body"};
  EXPECT_EQ(closest_name("bode", names), "node");
}

}  // namespace
}  // namespace graph
