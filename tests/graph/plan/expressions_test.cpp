#include "graph/plan/expressions.h"

#include <gtest/gtest.h>

#include "graph/model/loader.h"

namespace graph {
namespace {

core::Status check(std::string_view yaml) {
  auto spec = load_graph_text(yaml, "flow.yaml", ".");
  if (!spec.is_ok()) return spec.error();
  return check_expressions(*spec.value());
}

TEST(CheckExpressionsTest, AValidGraphPasses) {
  core::Status s = check(R"(
nodes:
  a:
    node_type: RuleNode
    condition: "amount > 100 && tier == 'gold'"
    set: {discount: "amount * 0.1"}
  b: RuleNode
edges:
  - {from: a, to: b, rule: "a_result == true"}
)");
  EXPECT_TRUE(s.is_ok()) << s.to_string();
}

TEST(CheckExpressionsTest, ABadConditionIsReportedAtItsFileLineAndColumn) {
  // Line 5, the condition's text starts at column 16; the error is at
  // column 10 of the text (the second '>'), so at file column 25.
  core::Status s = check(R"(
nodes:
  approve:
    node_type: RuleNode
    condition: amount > > 100
)");
  ASSERT_FALSE(s.is_ok());
  const core::Error& e = s.error();
  EXPECT_EQ(e.tag(), "E003");
  EXPECT_EQ(e.context().file, "flow.yaml");
  EXPECT_EQ(e.context().line, 5);
  EXPECT_EQ(e.context().column, 25) << e.to_string();
  EXPECT_EQ(e.context().node_id, "approve");
  EXPECT_EQ(e.context().field, "condition");
}

TEST(CheckExpressionsTest, EdgeRulesAndSetValuesAndSubgraphsAreChecked) {
  core::Status edge = check(R"(
nodes: {a: RuleNode, b: RuleNode}
edges:
  - {from: a, to: b, rule: "(x"}
)");
  ASSERT_FALSE(edge.is_ok());
  EXPECT_EQ(edge.error().context().field, "rule");
  EXPECT_EQ(edge.error().context().line, 4);

  core::Status set = check(R"(
nodes:
  a:
    node_type: RuleNode
    set: {total: "price *"}
)");
  ASSERT_FALSE(set.is_ok());
  EXPECT_EQ(set.error().context().field, "set.total");

  core::Status inner = check(R"yaml(
nodes:
  outer:
    node_type: SubgraphNode
    graph:
      nodes:
        inner:
          node_type: RuleNode
          condition: "nosuchfn(1)"
)yaml");
  ASSERT_FALSE(inner.is_ok());
  EXPECT_EQ(inner.error().tag(), "E003");
  EXPECT_EQ(inner.error().context().node_id, "inner");
}

}  // namespace
}  // namespace graph
