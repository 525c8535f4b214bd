#include "core/error.h"

#include <gtest/gtest.h>

namespace core {
namespace {

TEST(ErrorTest, ToStringNamesEveryKnownPieceOfContext) {
  Error e(ErrorCode::kNotFound, "no such node");
  e.with_file("graph.yaml", 12, 5).with_node("fetch").with_field("edges[2].to");
  EXPECT_EQ(e.to_string(),
            "graph.yaml:12:5: node 'fetch': field 'edges[2].to': no such node [not_found]");
}

TEST(ErrorTest, ToStringWithoutContextIsMessageAndCode) {
  Error e(ErrorCode::kCycle, "a -> b -> a");
  EXPECT_EQ(e.to_string(), "a -> b -> a [cycle]");
}

TEST(ErrorTest, ATagLeadsAndASuggestionFollowsOnItsOwnLine) {
  Error e(ErrorCode::kCycle, "Cycle detected: a -> b -> a");
  e.with_tag("E006").with_file("g.yaml", 3).with_suggestion("remove one edge of the cycle");
  EXPECT_EQ(
      e.to_string(),
      "[E006] g.yaml:3: Cycle detected: a -> b -> a\n  suggestion: remove one edge of the cycle");
  EXPECT_EQ(e.tag(), "E006");
}

TEST(StatusTest, OkAndErrorAreDistinguishable) {
  Status ok;
  EXPECT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.to_string(), "ok");
  Status bad = Error(ErrorCode::kInvalidArgument, "zero capacity");
  EXPECT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  Status copy = bad;
  EXPECT_EQ(copy.error().message(), "zero capacity");
  EXPECT_THROW(bad.throw_if_error(), Exception);
  EXPECT_NO_THROW(ok.throw_if_error());
}

TEST(ResultTest, ValueOrErrorAndValueThrowsOnError) {
  Result<int> good = 42;
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(good.value(), 42);
  Result<int> bad = Error(ErrorCode::kNotFound, "missing");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().error().code(), ErrorCode::kNotFound);
  try {
    (void)bad.value();
    FAIL() << "value() on an error must throw";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().code(), ErrorCode::kNotFound);
    EXPECT_STREQ(e.what(), "missing [not_found]");
  }
}

}  // namespace
}  // namespace core
