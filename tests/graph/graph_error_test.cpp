#include "graph/graph_error.h"

#include <gtest/gtest.h>

namespace graph {
namespace {

TEST(GraphErrorTest, EveryCodeHasItsStableTag) {
  EXPECT_STREQ(graph_error_tag(GraphErrorCode::kNodeExecution), "E001");
  EXPECT_STREQ(graph_error_tag(GraphErrorCode::kExpression), "E003");
  EXPECT_STREQ(graph_error_tag(GraphErrorCode::kConfiguration), "E004");
  EXPECT_STREQ(graph_error_tag(GraphErrorCode::kTimeout), "E005");
  EXPECT_STREQ(graph_error_tag(GraphErrorCode::kValidation), "E006");
  EXPECT_STREQ(graph_error_tag(GraphErrorCode::kSerialization), "E007");
  EXPECT_STREQ(graph_error_tag(GraphErrorCode::kContext), "E010");
}

TEST(GraphErrorTest, PrintsTagLocationNodeMessageAndSuggestion) {
  core::Error e = graph_error(GraphErrorCode::kValidation, "Cycle detected: a -> b -> a");
  e.with_file("flow.yaml", 12, 5).with_node("a").with_suggestion("remove an edge of the cycle");
  EXPECT_EQ(e.to_string(),
            "[E006] flow.yaml:12:5: node 'a': Cycle detected: a -> b -> a\n"
            "  suggestion: remove an edge of the cycle");
  EXPECT_EQ(graph_error(GraphErrorCode::kTimeout, "slow").code(), core::ErrorCode::kTimeout);
}

}  // namespace
}  // namespace graph
