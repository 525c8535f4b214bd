#include "graph/run/graph_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "graph/integrations/sqlite.h"
#include "graph/model/loader.h"
#include "runner_fixture.h"

namespace graph {
namespace {

TEST_F(GraphRunnerTest, RulesWriteResultsAndSetValuesInOrder) {
  auto g = runner(R"(
nodes:
  price:
    node_type: RuleNode
    set: {total: "qty * unit", with_tax: "total * 1.2"}
  big:
    node_type: RuleNode
    condition: "with_tax > 100"
edges:
  - {from: price, to: big}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"qty", 10}, {"unit", 12}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().context_json()["total"], 120);
  EXPECT_DOUBLE_EQ(r.value().context_json()["with_tax"].get<double>(), 144.0);
  EXPECT_EQ(r.value().context_json()["price_result"], true);
  EXPECT_EQ(r.value().context_json()["big_result"], true);
  EXPECT_EQ(r.value().count(NodeStatus::kExecuted), 2u);
}

TEST_F(GraphRunnerTest, AFailedConditionSkipsTheSetsButStillReports) {
  auto g = runner(R"(
nodes:
  gate: {node_type: RuleNode, condition: "amount > 100", set: {flag: "'big'"}}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"amount", 5}});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r.value().context_json()["gate_result"], false);
  EXPECT_FALSE(r.value().context_json().contains("flag"));
}

TEST_F(GraphRunnerTest, UntakenEdgesSkipAndTheSkipPropagates) {
  auto g = runner(R"(
nodes: {a: RuleNode, b: RuleNode, c: RuleNode, d: RuleNode, e: RuleNode}
edges:
  - {from: a, to: b, rule: "go"}
  - {from: b, to: c}
  - {from: a, to: d}
  - {from: c, to: e}
  - {from: d, to: e}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"go", false}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(status_of(r.value(), "b"), NodeStatus::kSkipped);
  EXPECT_EQ(status_of(r.value(), "c"), NodeStatus::kSkipped) << "a skip propagates";
  EXPECT_EQ(status_of(r.value(), "d"), NodeStatus::kExecuted);
  EXPECT_EQ(status_of(r.value(), "e"), NodeStatus::kExecuted) << "one taken edge is enough";
  EXPECT_FALSE(r.value().context_json().contains("b_result"));

  auto go = g->run({{"go", true}});
  ASSERT_TRUE(go.is_ok());
  EXPECT_EQ(status_of(go.value(), "c"), NodeStatus::kExecuted);
}

// Edge rules are decided when their source finishes, so R and !R from one
// node see the same Context even when a target changes what R reads.
TEST_F(GraphRunnerTest, EdgeRulesAreDecidedWhenTheirSourceFinishes) {
  auto g = runner(R"Y(
nodes:
  s: RuleNode
  a: {node_type: RuleNode, set: {x: "-1", out: "'a'"}}
  b: {node_type: RuleNode, set: {out: "'b'"}}
edges:
  - {from: s, to: a, rule: "x > 0"}
  - {from: s, to: b, rule: "!(x > 0)"}
)Y");
  ASSERT_NE(g, nullptr);
  for (int i = 0; i < 50; ++i) {
    auto r = g->run({{"x", 1}});
    ASSERT_TRUE(r.is_ok()) << r.error().to_string();
    ASSERT_EQ(r.value().context_json()["out"], "a");
    ASSERT_EQ(status_of(r.value(), "b"), NodeStatus::kSkipped);
  }
}

TEST_F(GraphRunnerTest, AConditionalRunsOnlyTheBranchItChose) {
  auto g = runner(R"(
nodes:
  check: {node_type: ConditionalNode, condition: "score >= 700", on_true: [yes], on_false: [no]}
  yes: {node_type: RuleNode, set: {decision: "'approve'"}}
  no: {node_type: RuleNode, set: {decision: "'review'"}}
  after_no: RuleNode
edges:
  - {from: check, to: yes}
  - {from: check, to: no}
  - {from: no, to: after_no}
)");
  ASSERT_NE(g, nullptr);
  auto high = g->run({{"score", 720}});
  ASSERT_TRUE(high.is_ok());
  EXPECT_EQ(high.value().context_json()["decision"], "approve");
  EXPECT_EQ(high.value().context_json()["check_result"], true);
  EXPECT_EQ(status_of(high.value(), "no"), NodeStatus::kSkipped);
  EXPECT_EQ(status_of(high.value(), "after_no"), NodeStatus::kSkipped);
  auto low = g->run({{"score", 500}});
  ASSERT_TRUE(low.is_ok());
  EXPECT_EQ(low.value().context_json()["decision"], "review");
  EXPECT_EQ(status_of(low.value(), "yes"), NodeStatus::kSkipped);
  EXPECT_EQ(status_of(low.value(), "after_no"), NodeStatus::kExecuted);
}

TEST_F(GraphRunnerTest, AFailingNodeFailsTheRunWithItsCodeNodeAndPlace) {
  auto g = runner(R"(
nodes:
  ok: RuleNode
  divide: {node_type: RuleNode, set: {ratio: "a / b"}}
edges:
  - {from: ok, to: divide}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"a", 1}, {"b", 0}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E003");
  EXPECT_EQ(r.error().context().node_id, "divide");
  EXPECT_EQ(r.error().context().field, "set.ratio");
  EXPECT_EQ(r.error().context().file, "test.yaml");
  EXPECT_NE(r.error().message().find("division by zero"), std::string::npos);

  auto missing = g->run({{"a", 1}});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.error().tag(), "E010");
  EXPECT_NE(missing.error().message().find("'b'"), std::string::npos);
}

TEST_F(GraphRunnerTest, OnErrorContinueRecordsTheErrorAndSkipsDependents) {
  auto g = runner(R"(
nodes:
  divide: {node_type: RuleNode, on_error: continue, set: {ratio: "a / b"}}
  use: RuleNode
  other: RuleNode
edges:
  - {from: divide, to: use}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"a", 1}, {"b", 0}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().context_json()["divide_error"]["code"], "E003");
  EXPECT_NE(r.value().context_json()["divide_error"]["message"].get<std::string>().find("division"),
            std::string::npos);
  EXPECT_EQ(status_of(r.value(), "divide"), NodeStatus::kFailed);
  EXPECT_EQ(status_of(r.value(), "use"), NodeStatus::kSkipped);
  EXPECT_EQ(status_of(r.value(), "other"), NodeStatus::kExecuted);
}

TEST_F(GraphRunnerTest, ABadInputOrAnEdgeRuleOfTheWrongTypeIsAnError) {
  auto g = runner(R"(
nodes: {a: RuleNode, b: RuleNode}
edges:
  - {from: a, to: b, rule: "count"}
)");
  ASSERT_NE(g, nullptr);
  auto not_bool = g->run({{"count", 3}});
  ASSERT_FALSE(not_bool.is_ok());
  EXPECT_EQ(not_bool.error().tag(), "E003");
  EXPECT_EQ(not_bool.error().context().field, "rule");
  EXPECT_EQ(not_bool.error().context().line, 4);
  auto not_object = g->run(Json::array({1, 2}));
  ASSERT_FALSE(not_object.is_ok());
  EXPECT_EQ(not_object.error().tag(), "E010");
}

constexpr const char* kPricing = R"(
nodes:
  pricing:
    node_type: SubgraphNode
    input_mapping: {amount: base, vip: is_vip}
    output_mapping: {price: final_price}
    graph:
      nodes:
        discount:
          node_type: ConditionalNode
          condition: "is_vip"
          on_true: [vip_price]
          on_false: [list_price]
        vip_price: {node_type: RuleNode, set: {price: "base * 0.8"}}
        list_price: {node_type: RuleNode, set: {price: "base"}}
      edges:
        - {from: discount, to: vip_price}
        - {from: discount, to: list_price}
  invoice: {node_type: RuleNode, set: {due: "final_price + 5"}}
edges:
  - {from: pricing, to: invoice}
)";

TEST_F(GraphRunnerTest, ASubgraphRunsInItsOwnContextThroughItsMappings) {
  auto g = runner(kPricing);
  ASSERT_NE(g, nullptr);
  auto vip = g->run({{"amount", 100}, {"vip", true}, {"secret", "parent only"}});
  ASSERT_TRUE(vip.is_ok()) << vip.error().to_string();
  const Json ctx = vip.value().context_json();
  EXPECT_DOUBLE_EQ(ctx["final_price"].get<double>(), 80.0);
  EXPECT_DOUBLE_EQ(ctx["due"].get<double>(), 85.0);
  EXPECT_FALSE(ctx.contains("price")) << "only output_mapping reaches the parent";
  EXPECT_EQ(ctx["pricing_result"]["base"], 100);
  EXPECT_FALSE(ctx["pricing_result"].contains("secret")) << "only input_mapping reaches the child";
  EXPECT_FALSE(ctx["pricing_result"].contains("list_price_result")) << "the child skipped it";

  auto regular = g->run({{"amount", 100}, {"vip", false}});
  ASSERT_TRUE(regular.is_ok());
  EXPECT_EQ(regular.value().context_json()["final_price"], 100);
}

TEST_F(GraphRunnerTest, SubgraphMappingsAndFailuresReportClearly) {
  auto g = runner(kPricing);
  ASSERT_NE(g, nullptr);
  auto no_input = g->run({{"amount", 100}});
  ASSERT_FALSE(no_input.is_ok());
  EXPECT_EQ(no_input.error().tag(), "E010");
  EXPECT_EQ(no_input.error().context().node_id, "pricing");
  EXPECT_EQ(no_input.error().context().field, "input_mapping.vip");

  auto child_fails = g->run({{"amount", "a lot"}, {"vip", true}});
  ASSERT_FALSE(child_fails.is_ok());
  EXPECT_EQ(child_fails.error().tag(), "E003");
  EXPECT_EQ(child_fails.error().context().node_id, "vip_price") << "the child's own node";

  auto unset = runner(R"(
nodes:
  sub:
    node_type: SubgraphNode
    output_mapping: {never: x}
    graph: {nodes: {noop: RuleNode}}
)");
  ASSERT_NE(unset, nullptr);
  auto r = unset->run(Json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E010");
  EXPECT_EQ(r.error().context().field, "output_mapping.never");
}

TEST_F(GraphRunnerTest, ForeachRunsTheBodyPerElementAndCollects) {
  auto g = runner(R"(
nodes:
  price_each:
    node_type: LoopNode
    foreach: items
    as: item
    collect: p
    body: {nodes: {price: {node_type: RuleNode, set: {p: "item.qty * item.unit + item_index"}}}}
  count_each:
    node_type: LoopNode
    foreach: items
    body: {nodes: {noop: RuleNode}}
)");
  ASSERT_NE(g, nullptr);
  Json items = Json::array({{{"qty", 2}, {"unit", 5}}, {{"qty", 1}, {"unit", 7}}});
  auto r = g->run({{"items", items}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().context_json()["price_each_result"], Json::array({10, 8}));
  EXPECT_EQ(r.value().context_json()["count_each_result"], 2) << "without collect: iterations";
  EXPECT_FALSE(r.value().context_json().contains("p")) << "the body's keys stay in the body";

  auto empty = g->run({{"items", Json::array()}});
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty.value().context_json()["price_each_result"], Json::array());
}

TEST_F(GraphRunnerTest, WhileCarriesItsContextUntilTheConditionFails) {
  auto g = runner(R"(
nodes:
  count:
    node_type: LoopNode
    while: "n < limit"
    collect: n
    body: {nodes: {step: {node_type: RuleNode, set: {n: "n + 1"}}}}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"n", 0}, {"limit", 4}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().context_json()["count_result"], Json::array({1, 2, 3, 4}));
  EXPECT_EQ(r.value().context_json()["n"], 0) << "the parent's n is untouched";
}

TEST_F(GraphRunnerTest, RunawayLoopsAndBadListsAreClearErrors) {
  auto forever = runner(R"(
nodes:
  spin:
    node_type: LoopNode
    while: "true"
    max_iterations: 3
    body: {nodes: {noop: RuleNode}}
)");
  ASSERT_NE(forever, nullptr);
  auto r = forever->run(Json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E001");
  EXPECT_EQ(r.error().context().node_id, "spin");
  EXPECT_NE(r.error().message().find("max_iterations (3)"), std::string::npos);

  auto each = runner(R"(
nodes:
  each: {node_type: LoopNode, foreach: items, max_iterations: 2, body: {nodes: {noop: RuleNode}}}
)");
  ASSERT_NE(each, nullptr);
  auto too_many = each->run({{"items", Json::array({1, 2, 3})}});
  ASSERT_FALSE(too_many.is_ok());
  EXPECT_EQ(too_many.error().tag(), "E001");
  auto not_list = each->run({{"items", "abc"}});
  ASSERT_FALSE(not_list.is_ok());
  EXPECT_EQ(not_list.error().tag(), "E010");
  EXPECT_NE(not_list.error().message().find("is string, not a list"), std::string::npos);
  auto unset = each->run(Json::object());
  ASSERT_FALSE(unset.is_ok());
  EXPECT_EQ(unset.error().tag(), "E010");
}

TEST_F(GraphRunnerTest, RepeatedRunsReuseTheirContexts) {
  auto g = runner(R"(nodes: {a: {node_type: RuleNode, set: {x: "1 + 1"}}})");
  ASSERT_NE(g, nullptr);
  for (int i = 0; i < 100; ++i) {
    auto r = g->run({{"i", i}});
    ASSERT_TRUE(r.is_ok());
    ASSERT_EQ(r.value().context_json()["i"], i) << "a reused Context must not keep old values";
  }
  core::PoolStats s = g->context_pool_stats();
  EXPECT_EQ(s.total_acquired, 100u);
  EXPECT_GE(s.reused, 99u);
}

TEST_F(GraphRunnerTest, WithoutThePoolEveryRunGetsANewContext) {
  auto spec =
      load_graph_text(R"(nodes: {a: {node_type: RuleNode, set: {x: "i * 2"}}})", "t.yaml", ".");
  ASSERT_TRUE(spec.is_ok());
  auto g = GraphRunner::create(spec.value(), executor_, {.pool_contexts = false}).value();
  for (int i = 0; i < 10; ++i) {
    auto r = g->run({{"i", i}});
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r.value().context_json()["x"], 2 * i);
  }
  EXPECT_EQ(g->context_pool_stats().total_acquired, 0u);
}

TEST_F(GraphRunnerTest, AResultKeepsItsContextAndReturnsItToThePoolWhenDropped) {
  auto g = runner(R"(nodes: {a: {node_type: RuleNode, set: {x: "i"}}})");
  ASSERT_NE(g, nullptr);
  {
    auto first = g->run({{"i", 1}});
    auto second = g->run({{"i", 2}});
    ASSERT_TRUE(first.is_ok() && second.is_ok());
    EXPECT_EQ(first.value().context_json()["x"], 1) << "a later run must not touch a held result";
    EXPECT_EQ(second.value().nodes[0].id, "a");
  }
  EXPECT_EQ(g->context_pool_stats().current_pool_size, 2u);
}

TEST_F(GraphRunnerTest, ConcurrentRunsOfOneGraphKeepTheirOwnContexts) {
  auto g = runner(R"(
nodes:
  double: {node_type: RuleNode, set: {y: "x * 2"}}
  check: {node_type: RuleNode, condition: "y == x + x"}
edges:
  - {from: double, to: check}
)");
  ASSERT_NE(g, nullptr);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const int x = t * 1000 + i;
        auto r = g->run({{"x", x}});
        if (!r.is_ok() || r.value().context_json()["y"] != 2 * x ||
            r.value().context_json()["check_result"] != true) {
          wrong++;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Two independent nodes that each take tens of milliseconds (a linear search
// through a large array, repeated) must run at the same time on two threads.
// Long enough that both threads get scheduled within that time even when
// other tests keep the machine's cores busy.
TEST_F(GraphRunnerTest, IndependentSlowNodesOverlap) {
  std::string slow = "contains(big, -1)";
  for (int k = 2; k <= 80; ++k)
    slow += " || contains(big, -" + std::to_string(k) + ")";
  auto g = runner("nodes:\n  left: {node_type: RuleNode, condition: \"" + slow +
                  "\"}\n  right: {node_type: RuleNode, condition: \"" + slow + "\"}\n");
  ASSERT_NE(g, nullptr);
  Json big = Json::array();
  for (int i = 0; i < 500000; ++i)
    big.push_back(i);
  auto r = g->run({{"big", big}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  const NodeStats& a = r.value().nodes[0];
  const NodeStats& b = r.value().nodes[1];
  ASSERT_GT(a.duration.count(), 0);
  EXPECT_TRUE(a.started < b.started + b.duration && b.started < a.started + a.duration)
      << "left ran [" << a.started.count() << ", +" << a.duration.count() << ") ns, right ["
      << b.started.count() << ", +" << b.duration.count() << ") ns";
}

TEST_F(GraphRunnerTest, WithoutNodeClocksOnlyNodesWithATimeoutAreTimed) {
  std::string slow = "contains(big, -1)";
  for (int k = 2; k <= 12; ++k)
    slow += " || contains(big, -" + std::to_string(k) + ")";
  auto spec = load_graph_text("nodes:\n  plain: {node_type: RuleNode, condition: \"" + slow +
                                  "\"}\n  limited: {node_type: RuleNode, timeout_ms: 1, "
                                  "condition: \"" +
                                  slow + "\"}\n",
                              "t.yaml", ".");
  ASSERT_TRUE(spec.is_ok()) << spec.error().to_string();
  auto g = GraphRunner::create(spec.value(), executor_, RunnerOptions{.time_nodes = false});
  ASSERT_TRUE(g.is_ok());
  Json big = Json::array();
  for (int i = 0; i < 500000; ++i)
    big.push_back(i);
  auto r = g.value()->run({{"big", big}});
  ASSERT_FALSE(r.is_ok()) << "the node with a timeout is still clocked";
  EXPECT_EQ(r.error().tag(), "E005");
  EXPECT_EQ(r.error().context().node_id, "limited");

  auto ok = GraphRunner::create(load_graph_text("nodes: {a: RuleNode}", "t.yaml", ".").value(),
                                executor_, RunnerOptions{.time_nodes = false});
  ASSERT_TRUE(ok.is_ok());
  auto quick = ok.value()->run(Json::object());
  ASSERT_TRUE(quick.is_ok());
  EXPECT_EQ(quick.value().nodes[0].status, NodeStatus::kExecuted);
  EXPECT_EQ(quick.value().nodes[0].duration.count(), 0) << "not clocked";
}

TEST_F(GraphRunnerTest, TimeoutsOfNodesAndOfTheRunAreE005) {
  std::string slow = "contains(big, -1)";
  for (int k = 2; k <= 12; ++k)
    slow += " || contains(big, -" + std::to_string(k) + ")";
  Json big = Json::array();
  for (int i = 0; i < 500000; ++i)
    big.push_back(i);

  auto node_limit =
      runner("nodes:\n  slow: {node_type: RuleNode, timeout_ms: 1, condition: \"" + slow + "\"}\n");
  ASSERT_NE(node_limit, nullptr);
  auto r = node_limit->run({{"big", big}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E005");
  EXPECT_EQ(r.error().context().node_id, "slow");

  auto run_limit = runner("timeout_ms: 1\nnodes:\n  slow: {node_type: RuleNode, condition: \"" +
                          slow + "\"}\n  next: RuleNode\nedges:\n  - {from: slow, to: next}\n");
  ASSERT_NE(run_limit, nullptr);
  auto late = run_limit->run({{"big", big}});
  ASSERT_FALSE(late.is_ok());
  EXPECT_EQ(late.error().tag(), "E005");
  EXPECT_EQ(late.error().context().node_id, "next");
}

TEST_F(GraphRunnerTest, TheLoanExampleDecides) {
  auto spec = load_graph_file(std::string(EXAMPLES_DIR) + "/loan.yaml");
  ASSERT_TRUE(spec.is_ok()) << spec.error().to_string();
  auto g = GraphRunner::create(spec.value(), executor_);
  ASSERT_TRUE(g.is_ok()) << g.error().to_string();
  auto decide = [&](int score, int income, int debt, int age) {
    Json applicant = {
        {"age", age}, {"credit_score", score}, {"monthly_income", income}, {"monthly_debt", debt}};
    auto r = g.value()->run({{"amount", 12000}, {"applicant", applicant}});
    EXPECT_TRUE(r.is_ok()) << r.error().to_string();
    return r.is_ok() ? r.value().context_json()["decision"].get<std::string>() : std::string();
  };
  EXPECT_EQ(decide(720, 4200, 900, 34), "approved");
  EXPECT_EQ(decide(650, 4200, 900, 34), "manual_review");
  EXPECT_EQ(decide(720, 4200, 2500, 34), "manual_review");
  EXPECT_EQ(decide(550, 4200, 900, 34), "rejected");
  EXPECT_EQ(decide(720, 4200, 900, 17), "rejected");
}

// The purchasing example against a real SQLite file made from its .sql, in a
// temporary copy of the example's directory.
class PurchasingExampleTest : public GraphRunnerTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lgraph_purchasing_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::filesystem::path examples(EXAMPLES_DIR);
    std::filesystem::copy_file(examples / "purchasing.yaml", dir_ / "purchasing.yaml",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(dir_ / "purchasing.db");
    auto db = SqliteDatabase::open((dir_ / "purchasing.db").string(), /*create_if_missing=*/true);
    ASSERT_TRUE(db.is_ok()) << db.error().to_string();
    std::ifstream sql(examples / "purchasing.sql");
    std::stringstream text;
    text << sql.rdbuf();
    // One statement per query: split the script at its semicolons.
    std::string statement;
    for (char c : text.str()) {
      statement += c;
      if (c != ';') continue;
      auto r = db.value()->query(statement, {});
      ASSERT_TRUE(r.is_ok()) << r.error().to_string();
      statement.clear();
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string status_for(int supplier, int quantity, double unit_price, double budget) {
    auto spec = load_graph_file(dir_ / "purchasing.yaml");
    EXPECT_TRUE(spec.is_ok()) << spec.error().to_string();
    if (!spec.is_ok()) return "";
    auto g = GraphRunner::create(spec.value(), executor_);
    EXPECT_TRUE(g.is_ok()) << g.error().to_string();
    if (!g.is_ok()) return "";
    auto r = g.value()->run({{"supplier_id", supplier},
                             {"quantity", quantity},
                             {"unit_price", unit_price},
                             {"budget", budget}});
    EXPECT_TRUE(r.is_ok()) << r.error().to_string();
    return r.is_ok() ? r.value().context_json()["status"].get<std::string>() : "";
  }

  std::filesystem::path dir_;
};

TEST_F(PurchasingExampleTest, OrdersEscalatesOrTurnsDown) {
  EXPECT_EQ(status_for(1, 100, 2.5, 1000), "ordered");
  EXPECT_EQ(status_for(1, 100, 20, 1000), "needs_approval");
  EXPECT_EQ(status_for(2, 10, 1, 1000), "supplier_rejected") << "rating 2 is too low";
  EXPECT_EQ(status_for(3, 60, 1, 1000), "supplier_rejected") << "over the supplier's max_order";
  EXPECT_EQ(status_for(9, 1, 1, 1000), "supplier_rejected") << "an unknown supplier";
}

TEST_F(PurchasingExampleTest, AMissingParamIsE010AndAMissingDatabaseE004) {
  auto spec = load_graph_file(dir_ / "purchasing.yaml");
  ASSERT_TRUE(spec.is_ok());
  auto g = GraphRunner::create(spec.value(), executor_);
  ASSERT_TRUE(g.is_ok());
  auto r = g.value()->run({{"quantity", 1}, {"unit_price", 1}, {"budget", 1}});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E010");
  EXPECT_EQ(r.error().context().node_id, "supplier");
  EXPECT_EQ(r.error().context().field, "params[0]");

  std::filesystem::remove(dir_ / "purchasing.db");
  auto missing = GraphRunner::create(load_graph_file(dir_ / "purchasing.yaml").value(), executor_);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.error().tag(), "E004");
  EXPECT_EQ(missing.error().context().node_id, "supplier");
}

}  // namespace
}  // namespace graph
