// RuleNode with GRL rules: Context keys in as facts, changed facts back out,
// the result for downstream nodes, and the load-time errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "graph/model/loader.h"
#include "runner_fixture.h"

namespace graph {
namespace {

TEST_F(GraphRunnerTest, GrlRulesReadAndWriteTheContextAndDownstreamSeesThem) {
  auto g = runner(R"(
nodes:
  pricing:
    node_type: RuleNode
    grl: |
      rule Total salience 10 {
        when Order.Qty > 0 && Order.Total == 0
        then Order.Total = Order.Qty * Order.UnitPrice;
      }
      rule Gold no-loop {
        when Customer.Tier == "gold" && Order.Total > 100
        then Order.Total -= 10; Log("gold discount");
      }
  approve:
    node_type: RuleNode
    condition: "Order.Total > 150"
    set: {decision: "'manual review'"}
edges:
  - {from: pricing, to: approve}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run(
      {{"Order", {{"Qty", 20}, {"UnitPrice", 9}, {"Total", 0}}}, {"Customer", {{"Tier", "gold"}}}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  const Json ctx = r.value().context_json();
  EXPECT_EQ(ctx["Order"]["Total"], 170);
  EXPECT_EQ(ctx["pricing_result"]["firings"], 2);
  EXPECT_EQ(ctx["pricing_result"]["fired"], Json::array({"Total", "Gold"}));
  EXPECT_EQ(ctx["pricing_result"]["log"], Json::array({"gold discount"}));
  EXPECT_EQ(ctx["Customer"]["Tier"], "gold");  // read, not changed
  EXPECT_EQ(ctx["decision"], "manual review");
}

TEST_F(GraphRunnerTest, GrlRulesFromAFileNextToTheGraph) {
  auto dir = std::filesystem::temp_directory_path() / ("grl_node_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "flags.grl") << "rule Flag { when Input.n > 2 then Input.big = true; }\n";
  std::ofstream(dir / "g.yaml") << "nodes:\n  check: {node_type: RuleNode, rules: flags.grl}\n";
  auto spec = load_graph_file((dir / "g.yaml").string());
  ASSERT_TRUE(spec.is_ok()) << spec.error().to_string();
  auto g = GraphRunner::create(spec.value(), executor_);
  ASSERT_TRUE(g.is_ok()) << g.error().to_string();
  auto r = g.value()->run({{"Input", {{"n", 3}}}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().context_json()["Input"]["big"], true);
  // A missing fact fails the node and the run, with an error naming the rule.
  auto missing = g.value()->run({{"Other", 1}});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.error().to_string().find("rule \"Flag\": in its condition: fact 'Input' is "
                                             "not set"),
            std::string::npos)
      << missing.error().to_string();
  std::filesystem::remove_all(dir);
}

void expect_load_error(std::string_view yaml, const std::string& words) {
  auto spec = load_graph_text(yaml, "test.yaml", ".");
  ASSERT_FALSE(spec.is_ok()) << yaml;
  EXPECT_NE(spec.error().to_string().find(words), std::string::npos) << spec.error().to_string();
}

TEST(GrlRuleNodeLoad, BadRulesAreLoadErrors) {
  expect_load_error("nodes:\n  r: {node_type: RuleNode, grl: 'rule A { when true than }'}\n",
                    "test.yaml (grl of node 'r'):1:15");
  expect_load_error("nodes:\n  r: {node_type: RuleNode, rules: /nonexistent/x.grl}\n",
                    "cannot read the rule file");
  expect_load_error(
      "nodes:\n  r: {node_type: RuleNode, condition: 'true', grl: 'rule A { when true then "
      "Complete(); }'}\n",
      "give either GRL rules or condition/set");
}

TEST_F(GraphRunnerTest, ACachedGrlNodeReplaysTheFactsItChangedForTheSameFacts) {
  auto g = runner(R"(
nodes:
  pricing:
    node_type: RuleNode
    cache: {max_entries: 8}
    grl: |
      rule Total { when Order.Qty > 0 then Order.Total = Order.Qty * Price.Unit; Log("priced"); }
      rule Big { when Order.Total > 100 then Flags.Big = true; }
)");
  ASSERT_NE(g, nullptr);
  const Json order = {{"Qty", 20}, {"Total", 0}};
  const Json facts = {{"Order", order}, {"Price", {{"Unit", 9}}}, {"Flags", Json::object()}};
  auto first = g->run(facts);
  ASSERT_TRUE(first.is_ok()) << first.error().to_string();
  EXPECT_FALSE(stats_of(first.value(), "pricing")->cache_hit);

  Json with_unrelated = facts;
  with_unrelated["Unrelated"] = 1;
  auto second = g->run(with_unrelated);
  ASSERT_TRUE(second.is_ok()) << second.error().to_string();
  EXPECT_TRUE(stats_of(second.value(), "pricing")->cache_hit) << "the same facts";
  const Json ctx = second.value().context_json();
  EXPECT_EQ(ctx["Order"]["Total"], 180);
  EXPECT_EQ(ctx["Flags"]["Big"], true);
  EXPECT_EQ(ctx["Price"]["Unit"], 9);
  EXPECT_EQ(ctx["pricing_result"],
            (Json{{"firings", 2}, {"fired", {"Total", "Big"}}, {"log", {"priced"}}}));

  // Any fact the rules read is part of the key, even one they only read.
  Json cheaper = facts;
  cheaper["Price"]["Unit"] = 1;
  auto third = g->run(cheaper);
  ASSERT_TRUE(third.is_ok()) << third.error().to_string();
  EXPECT_FALSE(stats_of(third.value(), "pricing")->cache_hit);
  EXPECT_EQ(third.value().context_json()["Order"]["Total"], 20);
  EXPECT_EQ(third.value().context_json()["Flags"], Json::object());

  // Failures are not kept: a missing fact fails every time.
  for (int i = 0; i < 2; ++i) {
    auto missing = g->run({{"Order", order}});
    ASSERT_FALSE(missing.is_ok());
    EXPECT_NE(missing.error().to_string().find("fact 'Price' is not set"), std::string::npos)
        << missing.error().to_string();
  }
}

TEST(GrlRuleNodeLoad, TwoParallelNodesWritingOneFactAreAConflict) {
  expect_load_error(R"(
nodes:
  a: {node_type: RuleNode, grl: 'rule A { when true then Order.x = 1; }'}
  b: {node_type: RuleNode, grl: 'rule B { when true then Order.y = 2; }'}
)",
                    "Order");
}

}  // namespace
}  // namespace graph
