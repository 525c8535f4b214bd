#include "graph/context.h"

#include <gtest/gtest.h>

namespace graph {
namespace {

TEST(ContextTest, SetFindEraseAndSize) {
  Context c;
  EXPECT_EQ(c.find("a"), nullptr);
  c.set("a", 1);
  c.set("b", "two");
  ASSERT_NE(c.find("a"), nullptr);
  EXPECT_EQ(*c.find("a"), 1);
  EXPECT_EQ(*c.find("b"), "two");
  EXPECT_EQ(c.size(), 2u);
  c.set("a", Json::array({1, 2}));
  EXPECT_EQ(*c.find("a"), Json::array({1, 2}));
  EXPECT_EQ(c.size(), 2u);
  EXPECT_TRUE(c.erase("a"));
  EXPECT_FALSE(c.erase("a"));
  EXPECT_FALSE(c.contains("a"));
  EXPECT_EQ(c.size(), 1u);
}

TEST(ContextTest, InternedSlotsWriteWithoutTheKeyAndSurviveReset) {
  Context c;
  const Context::Slot a = c.intern("a_result");
  const Context::Slot b = c.intern("b_result");
  EXPECT_NE(a, b);
  EXPECT_EQ(c.intern("a_result"), a) << "interning is idempotent";
  EXPECT_TRUE(c.empty()) << "an interned key is not set";
  EXPECT_EQ(c.find("a_result"), nullptr);
  c.set(a, true);
  ASSERT_NE(c.find("a_result"), nullptr);
  EXPECT_EQ(*c.find("a_result"), true);
  EXPECT_EQ(c.size(), 1u);
  c.reset();
  EXPECT_EQ(c.intern("b_result"), b) << "slots are stable across reset";
  c.set("b_result", 5);
  c.set(b, 6);
  EXPECT_EQ(*c.find("b_result"), 6);
  EXPECT_EQ(c.size(), 1u);
}

TEST(ContextTest, ForEachVisitsKeysInFirstInsertionOrder) {
  Context c;
  c.set("z", 1);
  c.set("a", 2);
  c.set("m", 3);
  c.set("z", 4);
  std::vector<std::string> keys;
  c.for_each([&](std::string_view k, const Json&) { keys.emplace_back(k); });
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m"}));
  EXPECT_EQ(c.to_json(), (Json{{"z", 4}, {"a", 2}, {"m", 3}}));
}

TEST(ContextTest, ResetForgetsValuesAndTheContextIsReusable) {
  Context c;
  c.set("x", "a long string value that lives on the heap");
  c.set("y", 2);
  c.reset();
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.find("x"), nullptr);
  EXPECT_EQ(c.to_json(), Json::object());
  c.set("y", 3);
  EXPECT_EQ(*c.find("y"), 3);
  EXPECT_EQ(c.size(), 1u);
}

TEST(ContextTest, MergeTakesAnObjectAndRejectsAnythingElseWithE010) {
  Context c;
  ASSERT_TRUE(c.merge(Json{{"amount", 120}, {"user", {{"age", 30}}}}).is_ok());
  EXPECT_EQ((*c.find("user"))["age"], 30);
  core::Status bad = c.merge(Json::array({1}));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.error().tag(), "E010");
  EXPECT_NE(bad.error().message().find("array"), std::string::npos);
  EXPECT_EQ(c.size(), 2u) << "a rejected merge changes nothing";
}

TEST(ContextTest, CopiesAreIndependent) {
  Context a;
  a.set("k", 1);
  Context b = a;
  b.set("k", 2);
  EXPECT_EQ(*a.find("k"), 1);
  EXPECT_EQ(*b.find("k"), 2);
}

}  // namespace
}  // namespace graph
