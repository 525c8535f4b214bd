#include "core/exec/task_graph.h"

#include <gtest/gtest.h>

namespace core {
namespace {

TEST(TaskGraphTest, RejectsDuplicateAndEmptyNames) {
  TaskGraph g;
  ASSERT_TRUE(g.add("a", [] {}).is_ok());
  Result<TaskId> dup = g.add("a", [] {});
  ASSERT_FALSE(dup.is_ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  Result<TaskId> empty = g.add("", [] {});
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(g.size(), 1u);
}

TEST(TaskGraphTest, RejectsBadEdges) {
  TaskGraph g;
  TaskId a = g.add("a", [] {}).value();
  TaskId b = g.add("b", [] {}).value();
  Status unknown = g.precede(a, 7);
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find("unknown task id 7"), std::string::npos);
  Status self = g.precede(a, a);
  ASSERT_FALSE(self.is_ok());
  EXPECT_EQ(self.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(g.precede(a, b).is_ok());
  Status twice = g.precede(a, b);
  ASSERT_FALSE(twice.is_ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(g.validate().is_ok());
}

TEST(TaskGraphTest, ValidateReportsTheCyclePath) {
  TaskGraph g;
  TaskId a = g.add("a", [] {}).value();
  TaskId b = g.add("b", [] {}).value();
  TaskId c = g.add("c", [] {}).value();
  ASSERT_TRUE(g.precede(a, b).is_ok());
  ASSERT_TRUE(g.precede(b, c).is_ok());
  ASSERT_TRUE(g.precede(c, a).is_ok());
  Status s = g.validate();
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kCycle);
  EXPECT_NE(s.error().message().find("a -> b -> c -> a"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace core
