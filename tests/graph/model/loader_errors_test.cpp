// Every load error: its tag, where it points, and what it says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "graph/model/loader.h"
#include "graph/model/validate.h"
#include "test_util.h"

namespace graph {
namespace {

using ::testing::HasSubstr;
using testing::load_error;
using testing::named_node;
using testing::plain_edge;

struct Expect {
  const char* tag;
  int line;
  int column;  // 0: not checked
  const char* node;
  const char* field;
  const char* message;
};

void expect_error(const core::Error& e, const Expect& want) {
  SCOPED_TRACE(e.to_string());
  EXPECT_EQ(e.tag(), want.tag);
  EXPECT_EQ(e.context().file, "g.yaml");
  EXPECT_EQ(e.context().line, want.line);
  if (want.column != 0) {
    EXPECT_EQ(e.context().column, want.column);
  }
  EXPECT_EQ(e.context().node_id, want.node);
  EXPECT_EQ(e.context().field, want.field);
  EXPECT_THAT(e.message(), HasSubstr(want.message));
}

// ---- E007: serialization ----

TEST(LoaderErrorsTest, MalformedYaml) {
  expect_error(load_error("nodes:\n  a: [RuleNode\nedges: []\n"),
               {"E007", 3, 0, "", "", "malformed YAML/JSON"});
}

TEST(LoaderErrorsTest, MalformedJson) {
  expect_error(load_error("{\"nodes\":\n {\"a\": \"RuleNode\"}"),
               {"E007", 2, 0, "", "", "malformed YAML/JSON"});
}

TEST(LoaderErrorsTest, TopLevelNotAMapping) {
  expect_error(load_error("- a\n- b\n"), {"E007", 1, 1, "", "", "top level must be a mapping"});
  expect_error(load_error(""), {"E007", 1, 1, "", "", "top level must be a mapping"});
}

TEST(LoaderErrorsTest, UnreadableFile) {
  auto r = load_graph_file("/nonexistent/graph.yaml");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E007");
  EXPECT_THAT(r.error().message(), HasSubstr("No such file"));
  EXPECT_THAT(r.error().message(), HasSubstr("/nonexistent/graph.yaml"));
}

// ---- E004: configuration ----

TEST(LoaderErrorsTest, MissingRequiredFields) {
  expect_error(load_error("nodes:\n  c: {node_type: ConditionalNode, on_true: []}\n"),
               {"E004", 2, 3, "c", "condition", "missing required field 'condition'"});
  expect_error(load_error("nodes:\n  d: {node_type: DBNode, params: [a]}\n"),
               {"E004", 2, 3, "d", "query", "missing required field 'query'"});
  expect_error(load_error("nodes:\n  s: {node_type: SubgraphNode}\n"),
               {"E004", 2, 3, "s", "graph", "missing required field 'graph'"});
  expect_error(load_error("nodes:\n  l: {node_type: LoopNode, body: {nodes: {x: RuleNode}}}\n"),
               {"E004", 2, 3, "l", "foreach' or 'while", "'foreach' or 'while'"});
  expect_error(load_error("nodes:\n  l: {node_type: LoopNode, foreach: xs}\n"),
               {"E004", 2, 3, "l", "body", "missing required field 'body'"});
  expect_error(load_error("nodes:\n  r: {node_type: RetryNode, max_retries: 2}\n"),
               {"E004", 2, 3, "r", "node' or 'body", "'node' or 'body'"});
  expect_error(load_error("nodes:\n  t: {node_type: TryCatchNode}\n"),
               {"E004", 2, 3, "t", "try", "missing required field 'try'"});
  expect_error(load_error("nodes:\n  b: {node_type: CircuitBreakerNode}\n"),
               {"E004", 2, 3, "b", "body", "missing required field 'body'"});
  expect_error(load_error("nodes:\n  a: {node_type: AINode}\n"),
               {"E004", 2, 3, "a", "prompt", "missing required field 'prompt'"});
  expect_error(load_error("nodes:\n  a: {condition: x}\n"),
               {"E004", 2, 3, "a", "node_type", "missing required field 'node_type'"});
  expect_error(load_error("name: x\n"), {"E004", 1, 1, "", "nodes", "missing required field"});
  expect_error(load_error("nodes: {a: RuleNode, b: RuleNode}\nedges:\n  - {from: a}\n"),
               {"E004", 3, 5, "", "to", "missing required field 'to'"});
}

TEST(LoaderErrorsTest, ShortFormOfAKindWithRequiredFieldsSuggestsTheLongForm) {
  core::Error e = load_error("nodes: {d: DBNode}");
  expect_error(e, {"E004", 1, 9, "d", "query", "missing required field 'query'"});
  EXPECT_THAT(e.suggestion(), HasSubstr("long form"));
}

TEST(LoaderErrorsTest, BothAlternativesGiven) {
  expect_error(load_error(R"(nodes:
  l:
    node_type: LoopNode
    foreach: xs
    while: "n < 3"
    body: {nodes: {x: RuleNode}}
)"),
               {"E004", 5, 12, "l", "while", "not both"});
  expect_error(load_error(R"(nodes:
  x: RuleNode
  r:
    node_type: RetryNode
    node: x
    body: {nodes: {y: RuleNode}}
)"),
               {"E004", 6, 11, "r", "body", "not both"});
  expect_error(load_error(R"(nodes:
  l:
    node_type: LoopNode
    while: "n < 3"
    as: item
    body: {nodes: {x: RuleNode}}
)"),
               {"E004", 5, 9, "l", "as", "'while' loop"});
}

TEST(LoaderErrorsTest, WrongTypes) {
  expect_error(load_error("nodes:\n  d: {node_type: DBNode, query: q, params: 5}\n"),
               {"E004", 2, 44, "d", "params", "expected a list of strings, got a scalar '5'"});
  expect_error(load_error("nodes:\n  x: RuleNode\n  r: {node_type: RetryNode, node: x, "
                          "max_retries: -1}\n"),
               {"E004", 3, 51, "r", "max_retries", "expected an integer >= 0"});
  expect_error(load_error("nodes:\n  l: {node_type: LoopNode, foreach: xs, max_iterations: 0, "
                          "body: {nodes: {x: RuleNode}}}\n"),
               {"E004", 2, 57, "l", "max_iterations", "expected an integer >= 1"});
  expect_error(load_error("nodes:\n  a: {node_type: RuleNode, on_error: retry}\n"),
               {"E004", 2, 38, "a", "on_error", "unknown on_error value 'retry'"});
  expect_error(load_error("nodes:\n  a: {node_type: RuleNode, timeout_ms: \"100\"}\n"),
               {"E004", 2, 40, "a", "timeout_ms", "got a string '100'"});
  expect_error(load_error("nodes:\n  x: RuleNode\n  r: {node_type: RetryNode, node: x, "
                          "backoff_multiplier: 0.5}\n"),
               {"E004", 3, 58, "r", "backoff_multiplier", "expected a number >= 1"});
  expect_error(load_error("nodes:\n  x: RuleNode\n  r: {node_type: RetryNode, node: x, "
                          "jitter: maybe}\n"),
               {"E004", 3, 46, "r", "jitter", "expected true or false"});
  expect_error(load_error("nodes:\n  x: RuleNode\n  r: {node_type: RetryNode, node: x, "
                          "max_retries: 99999999999}\n"),
               {"E004", 3, 51, "r", "max_retries", "4294967295"});
  expect_error(load_error("nodes:\n  a: {node_type: RuleNode, condition: [x]}\n"),
               {"E004", 2, 39, "a", "condition", "expected an expression"});
  expect_error(load_error("nodes:\n  a: {node_type: RuleNode, condition: \"  \"}\n"),
               {"E004", 2, 39, "a", "condition", "empty expression"});
  expect_error(load_error("nodes: [a, b]\n"), {"E004", 1, 8, "", "nodes", "expected a mapping"});
  expect_error(load_error("nodes: {a: RuleNode}\nedges: {from: a}\n"),
               {"E004", 2, 8, "", "edges", "expected a list of edges"});
  expect_error(load_error("nodes:\n  a:\n"), {"E004", 2, 3, "a", "", "expected a node kind"});
  expect_error(load_error("nodes:\n  s: {node_type: SubgraphNode, graph: [x]}\n"),
               {"E004", 2, 39, "s", "graph", "expected a graph file name or an inline graph"});
}

TEST(LoaderErrorsTest, UnknownFieldSuggestsTheNearestName) {
  core::Error e = load_error(R"(nodes:
  c:
    node_type: ConditionalNode
    conditon: "x > 1"
)");
  expect_error(e, {"E004", 4, 5, "c", "", "unknown field 'conditon' for ConditionalNode"});
  EXPECT_EQ(e.suggestion(), "did you mean 'condition'?");

  e = load_error("nodes: {a: {node_type: RuleNode, query: x}}");
  expect_error(e, {"E004", 1, 34, "a", "", "unknown field 'query' for RuleNode"});
  EXPECT_EQ(e.suggestion(), "'query' is a field of DBNode");

  e = load_error("nodez: {a: RuleNode}");
  expect_error(e, {"E004", 1, 1, "", "", "unknown field 'nodez' for a graph"});
  EXPECT_EQ(e.suggestion(), "did you mean 'nodes'?");

  e = load_error("nodes: {a: RuleNode, b: RuleNode}\nedges: [{from: a, to: b, rul: x}]");
  expect_error(e, {"E004", 2, 26, "", "", "unknown field 'rul' for an edge"});
  EXPECT_EQ(e.suggestion(), "did you mean 'rule'?");
}

TEST(LoaderErrorsTest, DuplicateFieldAndMappingKey) {
  expect_error(load_error("nodes:\n  a:\n    node_type: RuleNode\n    condition: x\n"
                          "    condition: y\n"),
               {"E004", 5, 5, "a", "", "duplicate field 'condition' (first at line 4)"});
  expect_error(load_error("nodes:\n  s: {node_type: SubgraphNode, graph: {nodes: {x: RuleNode}},"
                          " input_mapping: {a: b, a: c}}\n"),
               {"E004", 2, 85, "s", "input_mapping", "duplicate key 'a'"});
}

// ---- E006: graph validation ----

TEST(LoaderErrorsTest, UnknownNodeKindListsTheKnownOnes) {
  core::Error e = load_error("nodes:\n  a: RuleNod\n");
  expect_error(e, {"E006", 2, 6, "a", "node_type", "unknown node kind 'RuleNod'"});
  EXPECT_THAT(e.suggestion(), HasSubstr("did you mean 'RuleNode'?"));
  EXPECT_THAT(e.suggestion(), HasSubstr("RuleNode, DBNode, ConditionalNode, SubgraphNode"));
  e = load_error("nodes:\n  a: {node_type: Banana}\n");
  expect_error(e, {"E006", 2, 18, "a", "node_type", "unknown node kind 'Banana'"});
  EXPECT_THAT(e.suggestion(), HasSubstr("known kinds: RuleNode"));
}

TEST(LoaderErrorsTest, DuplicateNodeId) {
  expect_error(load_error("nodes:\n  a: RuleNode\n  b: RuleNode\n  a: RuleNode\n"),
               {"E006", 4, 3, "", "nodes", "duplicate node id 'a' (first at line 2)"});
  expect_error(load_error(R"({"nodes": {"a": "RuleNode", "a": "DBNode"}})"),
               {"E006", 1, 29, "", "nodes", "duplicate node id 'a'"});
}

TEST(LoaderErrorsTest, InvalidNodeId) {
  expect_error(load_error("nodes:\n  \"a b\": RuleNode\n"),
               {"E006", 2, 3, "a b", "", "invalid node id 'a b'"});
}

TEST(LoaderErrorsTest, DanglingEdges) {
  core::Error e = load_error(
      "nodes: {alpha: RuleNode, b: RuleNode}\nedges:\n"
      "  - {from: alpha, to: b}\n  - {from: alpah, to: b}\n");
  expect_error(e, {"E006", 4, 5, "", "from", "edge from unknown node 'alpah'"});
  EXPECT_EQ(e.suggestion(), "did you mean 'alpha'?");
  expect_error(load_error("nodes: {a: RuleNode}\nedges:\n  - {from: a, to: zzz}\n"),
               {"E006", 3, 5, "", "to", "edge to unknown node 'zzz'"});
}

TEST(LoaderErrorsTest, DuplicateEdge) {
  core::Error e = load_error(
      "nodes: {a: RuleNode, b: RuleNode}\nedges:\n"
      "  - {from: a, to: b, rule: x}\n  - {from: a, to: b, rule: y}\n");
  expect_error(e, {"E006", 4, 5, "", "", "duplicate edge a -> b"});
  EXPECT_THAT(e.suggestion(), HasSubstr("||"));
}

TEST(LoaderErrorsTest, ConditionalBranches) {
  expect_error(load_error(R"(nodes:
  c: {node_type: ConditionalNode, condition: x, on_true: [ghost]}
)"),
               {"E006", 2, 59, "c", "on_true", "on_true names unknown node 'ghost'"});
  core::Error e = load_error(R"(nodes:
  c: {node_type: ConditionalNode, condition: x, on_false: [d]}
  d: RuleNode
)");
  expect_error(e, {"E006", 2, 60, "c", "on_false", "'d' is not a successor of 'c'"});
  EXPECT_EQ(e.suggestion(), "add an edge {from: c, to: d}");
  expect_error(load_error(R"(nodes:
  c: {node_type: ConditionalNode, condition: x, on_true: [d], on_false: [d]}
  d: RuleNode
edges: [{from: c, to: d}]
)"),
               {"E006", 2, 74, "c", "on_false", "in both on_true and on_false"});
}

TEST(LoaderErrorsTest, RetryNodeTarget) {
  expect_error(load_error("nodes:\n  r: {node_type: RetryNode, node: nothere}\n"),
               {"E006", 2, 35, "r", "node", "retries unknown node 'nothere'"});
  expect_error(load_error("nodes:\n  r: {node_type: RetryNode, node: r}\n"),
               {"E006", 2, 35, "r", "node", "cannot retry itself"});
  expect_error(
      load_error("nodes:\n  x: RuleNode\n  y: RuleNode\n"
                 "  r: {node_type: RetryNode, node: x}\nedges: [{from: y, to: x}]\n"),
      {"E006", 4, 35, "r", "node", "'x' runs inside RetryNode 'r', so it cannot have edges"});
  expect_error(load_error("nodes:\n  x: RuleNode\n  r: {node_type: RetryNode, node: x}\n"
                          "  s: {node_type: RetryNode, node: x}\n"),
               {"E006", 4, 35, "s", "node", "'x' is already retried by 'r'"});
  expect_error(load_error("nodes:\n  a: {node_type: RetryNode, node: b}\n"
                          "  b: {node_type: RetryNode, node: c}\n"
                          "  c: {node_type: RetryNode, node: a}\n"),
               {"E006", 2, 35, "a", "node", "RetryNodes retry each other: a -> b -> c -> a"});
}

TEST(LoaderErrorsTest, CacheField) {
  expect_error(load_error("nodes:\n  l: {node_type: LoopNode, while: \"x\", body: {nodes: {a: "
                          "RuleNode}}, cache: true}\n"),
               {"E004", 2, 0, "l", "cache", "a LoopNode cannot be cached"});
  expect_error(load_error("nodes:\n  r: {node_type: RuleNode, cache: {ttl: 5}}\n"),
               {"E004", 2, 0, "r", "cache", "unknown field 'ttl' for cache"});
  expect_error(load_error("nodes:\n  r: {node_type: RuleNode, cache: {max_entries: 0}}\n"),
               {"E004", 2, 0, "r", "cache.max_entries", ""});
  expect_error(load_error("nodes:\n  r: {node_type: RuleNode, cache: [1]}\n"),
               {"E004", 2, 0, "r", "cache", "expected true, false or a mapping"});
}

TEST(LoaderErrorsTest, CycleWithPath) {
  core::Error e = load_error(R"(nodes: {a: RuleNode, b: RuleNode, c: RuleNode, d: RuleNode}
edges:
  - {from: d, to: a}
  - {from: a, to: b}
  - {from: b, to: c}
  - {from: c, to: a}
)");
  expect_error(e, {"E006", 6, 5, "a", "", "Cycle detected: a -> b -> c -> a"});
  EXPECT_EQ(e.message(), "Cycle detected: a -> b -> c -> a");
}

TEST(LoaderErrorsTest, SelfLoopIsACycle) {
  expect_error(load_error("nodes: {a: RuleNode}\nedges: [{from: a, to: a}]\n"),
               {"E006", 2, 9, "a", "", "Cycle detected: a -> a"});
}

TEST(LoaderErrorsTest, EmptyGraph) {
  expect_error(load_error("nodes: {}\n"), {"E006", 1, 1, "", "", "graph has no nodes"});
  expect_error(load_error("nodes:\n"), {"E006", 1, 1, "", "", "graph has no nodes"});
  expect_error(load_error("nodes:\n  s:\n    node_type: SubgraphNode\n    graph: {nodes: {}}\n"),
               {"E006", 4, 12, "", "", "graph has no nodes"});
}

TEST(LoaderErrorsTest, ErrorsInsideInlineSubgraphsPointIntoThem) {
  expect_error(load_error(R"(nodes:
  s:
    node_type: SubgraphNode
    graph:
      nodes:
        x: {node_type: DBNode}
)"),
               {"E004", 6, 9, "x", "query", "missing required field 'query'"});
}

// ---- Order ----

TEST(LoaderErrorsTest, FirstErrorInDocumentOrder) {
  // Field errors come in document order.
  expect_error(load_error(R"(nodes:
  a: {node_type: RuleNode, conditon: x}
  b: {node_type: Nope}
)"),
               {"E004", 2, 28, "a", "", "unknown field 'conditon'"});
  // Broken references: the earliest in the file, whatever its kind.
  expect_error(load_error(R"(edges:
  - {from: a, to: ghost}
nodes:
  a: RuleNode
  c: {node_type: ConditionalNode, condition: x, on_true: [a]}
)"),
               {"E006", 2, 5, "", "to", "edge to unknown node 'ghost'"});
  expect_error(load_error(R"(nodes:
  a: RuleNode
  c: {node_type: ConditionalNode, condition: x, on_true: [a]}
edges:
  - {from: a, to: ghost}
)"),
               {"E006", 3, 59, "c", "on_true", "'a' is not a successor of 'c'"});
}

TEST(ValidateTest, BuiltInCode) {
  GraphSpec spec;
  spec.file = "built";
  EXPECT_THAT(validate_graph(spec).error().message(), HasSubstr("no nodes"));
  spec.nodes.push_back(named_node("a"));
  spec.nodes.push_back(named_node("b"));
  spec.edges.push_back(plain_edge("a", "b"));
  EXPECT_TRUE(validate_graph(spec).is_ok());
  spec.edges.push_back(plain_edge("b", "a"));
  EXPECT_EQ(validate_graph(spec).error().message(), "Cycle detected: a -> b -> a");
  spec.nodes.push_back(named_node("a"));
  EXPECT_THAT(validate_graph(spec).error().message(), HasSubstr("duplicate node id 'a'"));
}

}  // namespace
}  // namespace graph
