#include "graph/model/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace graph {
namespace {

using testing::fields_of;
using testing::load_error;
using testing::load_ok;
using testing::named_node;

TEST(LoaderTest, ShortFormYaml) {
  auto g = load_ok(R"(nodes:
  a: RuleNode
  b: GrpcNode
edges:
  - from: a
    to: b
)");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->nodes.size(), 2u);
  EXPECT_EQ(g->nodes[0].id, "a");
  EXPECT_EQ(g->nodes[0].kind, NodeKind::kRule);
  EXPECT_EQ(g->nodes[1].kind, NodeKind::kGrpc);
  ASSERT_EQ(g->edges.size(), 1u);
  EXPECT_EQ(g->edges[0].from, "a");
  EXPECT_EQ(g->edges[0].to, "b");
  EXPECT_FALSE(g->edges[0].rule);
}

TEST(LoaderTest, ShortFormJson) {
  auto g = load_ok(
      R"({"nodes": {"z": "RuleNode", "a": "RuleNode"}, "edges": [{"from": "z", "to": "a", "rule": "x > 1"}]})");
  ASSERT_TRUE(g);
  // Declaration order, not sorted.
  EXPECT_EQ(g->nodes[0].id, "z");
  EXPECT_EQ(g->nodes[1].id, "a");
  ASSERT_TRUE(g->edges[0].rule);
  EXPECT_EQ(g->edges[0].rule->text, "x > 1");
}

TEST(LoaderTest, LongFormYamlWithGraphFields) {
  auto g = load_ok(R"(name: orders
description: decides
database: data/app.db
on_error: continue
timeout_ms: 5000
nodes:
  check:
    node_type: RuleNode
    condition: "amount > 100"
  fetch:
    node_type: DBNode
    query: "SELECT * FROM users WHERE id = ?"
    params: [user_id]
    on_error: fail
    timeout_ms: 250
  ask:
    node_type: AINode
    prompt: "Summarise {{fetch_result}}"
    model: small
edges:
  - {from: check, to: fetch}
  - {from: fetch, to: ask}
)");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name, "orders");
  EXPECT_EQ(g->description, "decides");
  EXPECT_EQ(g->database, "/base/data/app.db");
  EXPECT_EQ(g->on_error, OnError::kContinue);
  EXPECT_EQ(g->timeout_ms, 5000u);
  // The graph's on_error is the default of nodes without their own.
  EXPECT_EQ(g->find("check")->on_error, OnError::kContinue);
  EXPECT_EQ(g->find("fetch")->on_error, OnError::kFail);
  EXPECT_EQ(g->find("fetch")->timeout_ms, 250u);
  EXPECT_FALSE(g->find("check")->timeout_ms);
  const auto& rule = fields_of<RuleFields>(*g, "check");
  ASSERT_TRUE(rule.condition);
  EXPECT_EQ(rule.condition->text, "amount > 100");
  const auto& db = fields_of<DbFields>(*g, "fetch");
  EXPECT_EQ(db.query, "SELECT * FROM users WHERE id = ?");
  EXPECT_EQ(db.params, std::vector<std::string>{"user_id"});
  EXPECT_FALSE(db.database);
  const auto& ai = fields_of<AiFields>(*g, "ask");
  EXPECT_EQ(ai.prompt, "Summarise {{fetch_result}}");
  EXPECT_EQ(ai.model, "small");
}

TEST(LoaderTest, LongFormJson) {
  auto g = load_ok(R"({
  "nodes": {
    "check": {"node_type": "RuleNode", "condition": "amount > 100"},
    "fetch": {"node_type": "DBNode", "database": ":memory:", "query": "SELECT $1", "params": ["a", "b"]}
  },
  "edges": [{"from": "check", "to": "fetch"}]
})");
  ASSERT_TRUE(g);
  EXPECT_EQ(fields_of<RuleFields>(*g, "check").condition->text, "amount > 100");
  const auto& db = fields_of<DbFields>(*g, "fetch");
  EXPECT_EQ(db.database, ":memory:");
  EXPECT_EQ(db.params, (std::vector<std::string>{"a", "b"}));
}

TEST(LoaderTest, RuleSetKeepsOrder) {
  auto g = load_ok(R"(nodes:
  r:
    node_type: RuleNode
    set:
      total: price * qty
      approved: "total < 1000"
)");
  ASSERT_TRUE(g);
  const auto& rule = fields_of<RuleFields>(*g, "r");
  EXPECT_FALSE(rule.condition);
  ASSERT_EQ(rule.set.size(), 2u);
  EXPECT_EQ(rule.set[0].first, "total");
  EXPECT_EQ(rule.set[0].second.text, "price * qty");
  EXPECT_EQ(rule.set[1].first, "approved");
  EXPECT_EQ(rule.set[1].second.text, "total < 1000");
}

TEST(LoaderTest, ConditionalNode) {
  auto g = load_ok(R"(nodes:
  c: {node_type: ConditionalNode, condition: "x > 1", on_true: [yes], on_false: [no]}
  yes: RuleNode
  no: RuleNode
edges:
  - {from: c, to: "yes"}
  - {from: c, to: "no"}
)");
  ASSERT_TRUE(g);
  const auto& c = fields_of<ConditionalFields>(*g, "c");
  EXPECT_EQ(c.condition.text, "x > 1");
  ASSERT_EQ(c.on_true.size(), 1u);
  EXPECT_EQ(c.on_true[0].id, "yes");
  EXPECT_EQ(c.on_true[0].pos.line, 2);
  ASSERT_EQ(c.on_false.size(), 1u);
  EXPECT_EQ(c.on_false[0].id, "no");
}

TEST(LoaderTest, SubgraphNodeInline) {
  auto g = load_ok(R"(database: main.db
nodes:
  sub:
    node_type: SubgraphNode
    graph:
      nodes:
        inner: {node_type: DBNode, query: "SELECT 1"}
    input_mapping: {order: input}
    output_mapping: {inner_result: sub_out, other: x}
)");
  ASSERT_TRUE(g);
  const auto& s = fields_of<SubgraphFields>(*g, "sub");
  ASSERT_TRUE(s.graph);
  ASSERT_EQ(s.graph->nodes.size(), 1u);
  EXPECT_EQ(s.graph->nodes[0].id, "inner");
  EXPECT_EQ(s.graph->file, "g.yaml");
  EXPECT_EQ(s.graph->pos.line, 6);  // the first key of the block mapping
  // Inline subgraphs inherit the enclosing graph's database.
  EXPECT_EQ(s.graph->database, "/base/main.db");
  EXPECT_EQ(s.input_mapping,
            (std::vector<std::pair<std::string, std::string>>{{"order", "input"}}));
  EXPECT_EQ(s.output_mapping.size(), 2u);
  EXPECT_EQ(s.output_mapping[1].first, "other");
}

TEST(LoaderTest, LoopNodeForeachAndWhile) {
  auto g = load_ok(R"(nodes:
  each:
    node_type: LoopNode
    foreach: orders
    as: order
    body: {nodes: {price: RuleNode}}
    max_iterations: 50
    collect: prices
  again:
    node_type: LoopNode
    while: "n < 10"
    body: {nodes: {step: RuleNode}}
)");
  ASSERT_TRUE(g);
  const auto& each = fields_of<LoopFields>(*g, "each");
  EXPECT_EQ(each.foreach, "orders");
  EXPECT_EQ(each.as, "order");
  EXPECT_FALSE(each.while_condition);
  ASSERT_TRUE(each.body);
  EXPECT_EQ(each.body->nodes[0].id, "price");
  EXPECT_EQ(each.max_iterations, 50u);
  EXPECT_EQ(each.collect, "prices");
  const auto& again = fields_of<LoopFields>(*g, "again");
  EXPECT_FALSE(again.foreach);
  EXPECT_EQ(again.as, "item");
  ASSERT_TRUE(again.while_condition);
  EXPECT_EQ(again.while_condition->text, "n < 10");
  EXPECT_FALSE(again.max_iterations);
}

TEST(LoaderTest, TryCatchRetryAndCircuitBreaker) {
  auto g = load_ok(R"(nodes:
  guard:
    node_type: TryCatchNode
    try: {nodes: {risky: RuleNode}}
    catch: {nodes: {fallback: RuleNode}}
  only_try:
    node_type: TryCatchNode
    try: {nodes: {risky: RuleNode}}
  call: {node_type: DBNode, query: "SELECT 1"}
  again:
    node_type: RetryNode
    node: call
    max_retries: 5
    initial_delay_ms: 0
    backoff_multiplier: 1.5
    jitter: true
  defaults:
    node_type: RetryNode
    body: {nodes: {x: RuleNode}}
  breaker:
    node_type: CircuitBreakerNode
    body: {nodes: {y: RuleNode}}
    failure_threshold: 3
    recovery_timeout_ms: 1000
)");
  ASSERT_TRUE(g);
  const auto& guard = fields_of<TryCatchFields>(*g, "guard");
  ASSERT_TRUE(guard.try_body && guard.catch_body);
  EXPECT_EQ(guard.catch_body->nodes[0].id, "fallback");
  EXPECT_FALSE(fields_of<TryCatchFields>(*g, "only_try").catch_body);
  const auto& again = fields_of<RetryFields>(*g, "again");
  ASSERT_TRUE(again.node);
  EXPECT_EQ(again.node->id, "call");
  EXPECT_FALSE(again.body);
  EXPECT_EQ(again.max_retries, 5u);
  EXPECT_EQ(again.initial_delay_ms, 0u);
  EXPECT_DOUBLE_EQ(again.backoff_multiplier, 1.5);
  EXPECT_TRUE(again.jitter);
  const auto& defaults = fields_of<RetryFields>(*g, "defaults");
  EXPECT_EQ(defaults.max_retries, 3u);
  EXPECT_EQ(defaults.initial_delay_ms, 100u);
  EXPECT_DOUBLE_EQ(defaults.backoff_multiplier, 2.0);
  EXPECT_FALSE(defaults.jitter);
  ASSERT_TRUE(defaults.body);
  const auto& breaker = fields_of<CircuitBreakerFields>(*g, "breaker");
  EXPECT_EQ(breaker.failure_threshold, 3u);
  EXPECT_EQ(breaker.recovery_timeout_ms, 1000u);
}

TEST(LoaderTest, GrpcNodeFields) {
  auto g = load_ok(R"(nodes:
  rpc: {node_type: GrpcNode, address: "localhost:50051", method: "pkg.Svc/Call", params: [a]}
)");
  ASSERT_TRUE(g);
  const auto& rpc = fields_of<GrpcFields>(*g, "rpc");
  EXPECT_EQ(rpc.address, "localhost:50051");
  EXPECT_EQ(rpc.method, "pkg.Svc/Call");
  EXPECT_EQ(rpc.params, std::vector<std::string>{"a"});
}

TEST(LoaderTest, FieldsVariantMatchesKind) {
  auto g = load_ok(R"(nodes:
  a: RuleNode
  b: {node_type: ConditionalNode, condition: "true"}
  c: {node_type: AINode, prompt: hi}
)");
  ASSERT_TRUE(g);
  for (const NodeSpec& node : g->nodes) {
    EXPECT_EQ(node.fields.index(), static_cast<size_t>(node.kind)) << node.id;
  }
}

TEST(LoaderTest, NodeKindNamesRoundTrip) {
  for (NodeKind kind : kAllNodeKinds) {
    EXPECT_EQ(node_kind_from_name(node_kind_name(kind)), kind);
  }
  EXPECT_EQ(node_kind_name(NodeKind::kDb), "DBNode");
  EXPECT_EQ(node_kind_name(NodeKind::kAi), "AINode");
  EXPECT_FALSE(node_kind_from_name("rulenode"));
}

TEST(LoaderTest, PositionsOfNodesEdgesAndExpressions) {
  auto g = load_ok(R"(# a comment
nodes:
  first: RuleNode
  check:
    node_type: RuleNode
    condition: "amount > 100"
    set:
      plain: a + b
      single: 'c'
edges:
  - from: first
    to: check
    rule:   total >= 3
)");
  ASSERT_TRUE(g);
  const NodeSpec* check = g->find("check");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->pos.file, "g.yaml");
  EXPECT_EQ(check->pos.line, 4);
  EXPECT_EQ(check->pos.column, 3);
  const auto& rule = std::get<RuleFields>(check->fields);
  // The first character inside the quotes.
  EXPECT_EQ(rule.condition->pos.line, 6);
  EXPECT_EQ(rule.condition->pos.column, 17);
  EXPECT_EQ(rule.set[0].second.pos.line, 8);
  EXPECT_EQ(rule.set[0].second.pos.column, 14);
  EXPECT_EQ(rule.set[1].second.pos.column, 16);
  EXPECT_EQ(g->edges[0].pos.line, 11);
  EXPECT_EQ(g->edges[0].pos.column, 5);
  EXPECT_EQ(g->edges[0].rule->pos.line, 13);
  EXPECT_EQ(g->edges[0].rule->pos.column, 13);
}

TEST(LoaderTest, PositionOfBlockScalarExpression) {
  auto g = load_ok(R"(nodes:
  check:
    node_type: RuleNode
    condition: |

        amount > 100
)");
  ASSERT_TRUE(g);
  const auto& rule = fields_of<RuleFields>(*g, "check");
  EXPECT_EQ(rule.condition->text, "\namount > 100\n");
  EXPECT_EQ(rule.condition->pos.line, 6);
  EXPECT_EQ(rule.condition->pos.column, 9);
}

TEST(LoaderTest, PositionsInJson) {
  auto g = load_ok("{\"nodes\": {\n  \"a\": {\"node_type\": \"RuleNode\", \"condition\": \"x\"}}}");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->nodes[0].pos.line, 2);
  EXPECT_EQ(g->nodes[0].pos.column, 3);
  const auto& rule = fields_of<RuleFields>(*g, "a");
  EXPECT_EQ(rule.condition->pos.line, 2);
  EXPECT_EQ(rule.condition->pos.column, 48);
}

TEST(LoaderTest, FindUsesTheIndexAndSeesEveryNode) {
  auto g = load_ok("nodes: {a: RuleNode, b: RuleNode, c: RuleNode}");
  ASSERT_TRUE(g);
  for (const NodeSpec& node : g->nodes)
    EXPECT_EQ(g->find(node.id), &node);
  EXPECT_EQ(g->find("d"), nullptr);
  GraphSpec built;
  built.nodes.push_back(named_node("x"));
  EXPECT_EQ(built.find("x"), &built.nodes[0]);  // no index: linear
  built.index_nodes();
  EXPECT_EQ(built.find("x"), &built.nodes[0]);
  EXPECT_EQ(built.find("y"), nullptr);
}

TEST(LoaderTest, LargeGraphLoads) {
  constexpr int kNodes = 10000;
  std::string text = "nodes:\n";
  for (int i = 0; i < kNodes; ++i) {
    text += "  n" + std::to_string(i) + ": {node_type: RuleNode, condition: \"x > " +
            std::to_string(i) + "\"}\n";
  }
  text += "edges:\n";
  for (int i = 1; i < kNodes; ++i) {
    text += "  - {from: n" + std::to_string((i - 1) / 2) + ", to: n" + std::to_string(i) +
            ", rule: \"y\"}\n";
  }
  auto g = load_ok(text);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->nodes.size(), static_cast<size_t>(kNodes));
  EXPECT_EQ(g->edges.size(), static_cast<size_t>(kNodes - 1));
  EXPECT_EQ(g->find("n9999")->pos.line, 10001);
}

TEST(LoaderTest, DeepNestingFailsCleanly) {
  for (const char* open : {"[", "{a: ", "- "}) {
    std::string text = "nodes: ";
    for (int i = 0; i < 10000; ++i)
      text += open;
    core::Error e = load_error(text);
    EXPECT_EQ(e.tag(), "E007") << open << ": " << e.to_string();
  }
}

TEST(LoaderTest, OversizedInputIsRejectedBeforeParsing) {
  std::string text(kMaxGraphBytes + 1, ' ');
  core::Error e = load_error(text);
  EXPECT_EQ(e.tag(), "E007");
  EXPECT_THAT(e.message(), ::testing::HasSubstr("larger than"));
}

TEST(LoaderTest, DeepInlineSubgraphsWithinTheLimitLoad) {
  std::string text;
  std::string indent;
  constexpr int kDepth = 40;
  for (int i = 0; i < kDepth; ++i) {
    text += indent + "nodes:\n" + indent + "  s:\n" + indent + "    node_type: SubgraphNode\n" +
            indent + "    graph:\n";
    indent += "      ";
  }
  text += indent + "nodes: {leaf: RuleNode}\n";
  auto g = load_ok(text);
  ASSERT_TRUE(g);
  const GraphSpec* at = g.get();
  for (int i = 0; i < kDepth; ++i)
    at = fields_of<SubgraphFields>(*at, "s").graph.get();
  EXPECT_EQ(at->nodes[0].id, "leaf");
}

// `try: &aN <graph N-1>, catch: *aN`, nested `levels` deep: each level doubles
// the subgraphs that reading every alias in full would parse.
std::string alias_bomb(int levels) {
  std::string graph = "{nodes: {a: RuleNode}}";
  for (int i = 1; i <= levels; ++i) {
    std::string anchor = "a" + std::to_string(i);
    graph = "{nodes: {t: {node_type: TryCatchNode, try: &" + anchor + " " + graph + ", catch: *" +
            anchor + "}}}";
  }
  return "nodes: {top: {node_type: CircuitBreakerNode, body: " + graph + "}}\n";
}

// Found while writing fuzz/fuzz_graph_loader (fuzz/corpus/loader/alias_bomb.yaml):
// 1.3 KB of YAML took the loader about a minute before aliases were bounded:
// the loader counts the nodes aliases expand to and stops at the limit.
TEST(LoaderTest, AliasBombIsRejected) {
  core::Error e = load_error(alias_bomb(20));
  EXPECT_EQ(e.tag(), "E007") << e.to_string();
  EXPECT_THAT(e.message(), ::testing::HasSubstr("aliases expanded"));
}

TEST(LoaderTest, LongAliasChainIsRejected) {
  // Each top-level entry nests the previous one a level deeper, so 2100 of
  // them expand to millions of nodes 2100 levels deep; the text is two deep.
  std::string text = "l0: &l0 [x]\n";
  for (int i = 1; i <= 2100; ++i)
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [*l" + std::to_string(i - 1) +
            "]\n";
  EXPECT_EQ(load_error(text).tag(), "E007");
}

TEST(LoaderTest, SubgraphsReusedThroughAliasesLoad) {
  auto g = load_ok(alias_bomb(3));
  ASSERT_TRUE(g);
  const GraphSpec* at = fields_of<CircuitBreakerFields>(*g, "top").body.get();
  for (int i = 0; i < 3; ++i) {
    const auto& f = fields_of<TryCatchFields>(*at, "t");
    ASSERT_TRUE(f.try_body && f.catch_body);
    EXPECT_EQ(f.catch_body->nodes.size(), 1u);
    at = f.try_body.get();
  }
  EXPECT_EQ(at->nodes[0].id, "a");
}

}  // namespace
}  // namespace graph
