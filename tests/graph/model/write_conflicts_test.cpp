// Validation rule 5: nodes that may run at the same time do not write the same key.
#include "graph/model/write_conflicts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace graph {
namespace {

using ::testing::HasSubstr;
using testing::load_error;
using testing::load_ok;

TEST(WriteConflictsTest, ParallelWritersOfOneKeyAreRejectedAtTheLaterNode) {
  core::Error e = load_error(R"(nodes:
  a: {node_type: RuleNode, set: {total: "1"}}
  b: {node_type: RuleNode, set: {other: "2"}}
  c: {node_type: RuleNode, set: {total: "3"}}
)");
  EXPECT_EQ(e.tag(), "E006");
  EXPECT_EQ(e.context().line, 4);
  EXPECT_EQ(e.context().node_id, "c");
  EXPECT_THAT(e.message(),
              HasSubstr("nodes 'a' and 'c' may run at the same time and both write 'total'"));
  EXPECT_THAT(e.suggestion(), HasSubstr("{from: a, to: c}"));
}

TEST(WriteConflictsTest, AnOrderingPathMakesItSafe) {
  EXPECT_TRUE(load_ok(R"(nodes:
  a: {node_type: RuleNode, set: {total: "1"}}
  mid: RuleNode
  c: {node_type: RuleNode, set: {total: "total + 1"}}
edges: [{from: a, to: mid}, {from: mid, to: c}]
)"));
}

TEST(WriteConflictsTest, OppositeBranchesOfAConditionalAreExclusive) {
  EXPECT_TRUE(load_ok(R"(nodes:
  d: {node_type: ConditionalNode, condition: "x > 1", on_true: [yes, also_yes], on_false: [no]}
  yes: {node_type: RuleNode, set: {decision: "'yes'"}}
  no: {node_type: RuleNode, set: {decision: "'no'"}}
  after_no: {node_type: RuleNode, set: {note: "'n'"}}
  also_yes: {node_type: RuleNode, set: {note: "'y'"}}
edges: [{from: d, to: yes}, {from: d, to: no}, {from: no, to: after_no}, {from: d, to: also_yes}]
)")) << "the branches are exclusive, and so is what only one of them leads to";
}

TEST(WriteConflictsTest, ExclusivityNeedsEveryPathToCarryTheGuard) {
  // `late` runs after `no` OR after `free`, so it is not confined to the false branch.
  core::Error e = load_error(R"(nodes:
  d: {node_type: ConditionalNode, condition: "x > 1", on_true: [yes], on_false: [no]}
  yes: {node_type: RuleNode, set: {decision: "'yes'"}}
  no: RuleNode
  free: RuleNode
  late: {node_type: RuleNode, set: {decision: "'late'"}}
edges: [{from: d, to: yes}, {from: d, to: no}, {from: no, to: late}, {from: free, to: late}]
)");
  EXPECT_THAT(e.message(), HasSubstr("nodes 'yes' and 'late'"));
}

TEST(WriteConflictsTest, EdgeRulesWrittenAsRAndNotRAreExclusive) {
  for (const char* negated : {"!ok", "! ok", "not ok", "!(ok)", "not (ok)", "(!(ok))"}) {
    const std::string text = std::string(R"(nodes:
  gate: RuleNode
  pass: {node_type: RuleNode, set: {status: "'passed'"}}
  fail: {node_type: RuleNode, set: {status: "'failed'"}}
edges:
  - {from: gate, to: pass, rule: "ok"}
  - {from: gate, to: fail, rule: ")") +
                             negated + R"("}
)";
    EXPECT_TRUE(load_ok(text)) << negated;
  }
}

TEST(WriteConflictsTest, DifferentRulesAreNotProvenExclusive) {
  core::Error e = load_error(R"(nodes:
  gate: RuleNode
  big: {node_type: RuleNode, set: {status: "'big'"}}
  small: {node_type: RuleNode, set: {status: "'small'"}}
edges:
  - {from: gate, to: big, rule: "x > 5"}
  - {from: gate, to: small, rule: "x <= 5"}
)");
  EXPECT_EQ(e.tag(), "E006");
}

TEST(WriteConflictsTest, ANegationOfPartOfARuleIsNotItsOpposite) {
  // `!` binds tighter than `||`: "!a || b" is "(!a) || b", and with a and b
  // true both edges are taken.
  for (const char* pair : {"a || b\", \"!a || b", "a && b\", \"not a && b", "x > 1\", \"!x > 1"}) {
    const std::string text = std::string(R"(nodes:
  gate: RuleNode
  p: {node_type: RuleNode, set: {status: "'p'"}}
  q: {node_type: RuleNode, set: {status: "'q'"}}
edges:
  - {from: gate, to: p, rule: ")") +
                             std::string(pair).substr(0, std::string(pair).find('"')) +
                             R"("}
  - {from: gate, to: q, rule: ")" +
                             std::string(pair).substr(std::string(pair).rfind('"') + 1) + R"("}
)";
    EXPECT_EQ(load_error(text).tag(), "E006") << pair;
  }
}

TEST(WriteConflictsTest, RulesFromDifferentSourcesAreNotExclusive) {
  core::Error e = load_error(R"(nodes:
  g1: RuleNode
  g2: RuleNode
  p: {node_type: RuleNode, set: {status: "'p'"}}
  q: {node_type: RuleNode, set: {status: "'q'"}}
edges:
  - {from: g1, to: p, rule: "ok"}
  - {from: g2, to: q, rule: "!ok"}
)");
  EXPECT_THAT(e.message(), HasSubstr("both write 'status'"));
}

TEST(WriteConflictsTest, GuardedBodiesAndSubgraphOutputsCount) {
  core::Error body = load_error(R"(nodes:
  t: {node_type: TryCatchNode, try: {nodes: {x: {node_type: RuleNode, set: {price: "1"}}}}}
  r: {node_type: RuleNode, set: {price: "2"}}
)");
  EXPECT_THAT(body.message(), HasSubstr("nodes 't' and 'r'"));
  core::Error mapped = load_error(R"(nodes:
  s: {node_type: SubgraphNode, graph: {nodes: {x: RuleNode}}, output_mapping: {x_result: flag}}
  r: {node_type: RuleNode, set: {flag: "true"}}
)");
  EXPECT_THAT(mapped.message(), HasSubstr("both write 'flag'"));
  EXPECT_TRUE(load_ok(R"(nodes:
  t1: {node_type: TryCatchNode, try: {nodes: {call: RuleNode}}}
  t2: {node_type: TryCatchNode, try: {nodes: {call: RuleNode}}}
)")) << "body nodes' own results stay in their bodies, so one body may guard two calls";
}

TEST(WriteConflictsTest, ARetriedNodeWritesWhereItsRetryNodeRuns) {
  core::Error e = load_error(R"(nodes:
  x: {node_type: RuleNode, set: {v: "1"}}
  r: {node_type: RetryNode, node: x}
  y: {node_type: RuleNode, set: {v: "2"}}
)");
  EXPECT_THAT(e.message(), HasSubstr("nodes 'r' and 'y'"));
  EXPECT_TRUE(load_ok(R"(nodes:
  x: {node_type: RuleNode, set: {v: "1"}}
  r: {node_type: RetryNode, node: x}
  y: {node_type: RuleNode, set: {v: "v + 1"}}
edges: [{from: r, to: y}]
)"));
}

TEST(WriteConflictsTest, AWideGraphWithoutSharedKeysIsChecked) {
  std::string text = "nodes:\n";
  for (int i = 0; i < 2000; ++i)
    text += "  n" + std::to_string(i) + ": {node_type: RuleNode, set: {k" + std::to_string(i) +
            ": \"1\"}}\n";
  text += "  last: {node_type: RuleNode, set: {k7: \"2\"}}\n";
  core::Error e = load_error(text);
  EXPECT_THAT(e.message(), HasSubstr("nodes 'n7' and 'last'"));
}

// Every node of a 20,000-node chain writes `status`: each writer reaches the
// next, so the check is a walk along the chain, not 2 * 10^8 pairs.
TEST(WriteConflictsTest, ALongChainOfWritersOfOneKeyIsCheckedAlongTheChain) {
  std::string text = "nodes:\n";
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    text += "  n" + std::to_string(i) + ": {node_type: RuleNode, set: {status: \"1\"}}\n";
  text += "edges:\n";
  for (int i = 1; i < n; ++i)
    text += "  - {from: n" + std::to_string(i - 1) + ", to: n" + std::to_string(i) + "}\n";
  EXPECT_TRUE(load_ok(text));
}

TEST(WriteConflictsTest, ManyUnorderedWritersAreReportedWithoutComparingAllPairs) {
  std::string text = "nodes:\n";
  for (int i = 0; i < 3000; ++i)
    text += "  n" + std::to_string(i) + ": {node_type: RuleNode, set: {status: \"1\"}}\n";
  core::Error e = load_error(text);
  EXPECT_THAT(e.message(), HasSubstr("both write 'status'"));
}

}  // namespace
}  // namespace graph
