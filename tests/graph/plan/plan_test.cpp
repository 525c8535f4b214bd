#include "graph/plan/plan.h"

#include <gtest/gtest.h>

#include "graph/model/loader.h"
#include "graph/plan/render.h"

namespace graph {
namespace {

GraphRef load(std::string_view yaml) {
  auto spec = load_graph_text(yaml, "test.yaml", ".");
  if (!spec.is_ok()) ADD_FAILURE() << spec.error().to_string();
  return spec.is_ok() ? spec.value() : nullptr;
}

constexpr std::string_view kDiamond = R"(
name: diamond
nodes:
  start: RuleNode
  left:
    node_type: RuleNode
    condition: "amount > 10"
  right: RuleNode
  join: RuleNode
edges:
  - {from: start, to: left, rule: "amount > 0"}
  - {from: start, to: right}
  - {from: left, to: join}
  - {from: right, to: join}
)";

TEST(PlanTest, LayersGroupWhatMayRunInParallel) {
  GraphRef spec = load(kDiamond);
  ASSERT_NE(spec, nullptr);
  auto plan = make_plan(*spec);
  ASSERT_TRUE(plan.is_ok()) << plan.error().to_string();
  EXPECT_EQ(plan.value().layers,
            (std::vector<std::vector<std::string>>{{"start"}, {"left", "right"}, {"join"}}));
  EXPECT_EQ(plan.value().max_parallelism(), 2u);
  EXPECT_EQ(describe_plan(*spec, plan.value()),
            "graph 'diamond' (test.yaml): 4 nodes, 3 layers, up to 2 in parallel\n"
            "layer 1: start (RuleNode)\n"
            "layer 2 (parallel): left (RuleNode), right (RuleNode)\n"
            "layer 3: join (RuleNode)\n"
            "edges:\n"
            "  start -> left [when amount > 0]\n"
            "  start -> right\n"
            "  left -> join\n"
            "  right -> join\n");
}

TEST(RenderTest, DotAndMermaidNameEveryNodeAndEdgeAndLabelRules) {
  GraphRef spec = load(kDiamond);
  ASSERT_NE(spec, nullptr);
  auto plan = make_plan(*spec).value();
  const std::string dot = render_graph(*spec, plan, RenderFormat::kDot);
  EXPECT_EQ(dot.rfind("digraph \"diamond\" {", 0), 0u) << dot;
  EXPECT_NE(dot.find("\"start\" -> \"left\" [label=\"amount > 0\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"right\" -> \"join\";"), std::string::npos) << dot;
  const std::string mermaid = render_graph(*spec, plan, RenderFormat::kMermaid);
  EXPECT_EQ(mermaid.rfind("flowchart LR\n", 0), 0u);
  EXPECT_NE(mermaid.find("n0[\"start : RuleNode\"]"), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("n0 -->|\"amount > 0\"| n1"), std::string::npos) << mermaid;
  const std::string ascii = render_graph(*spec, plan, RenderFormat::kAscii);
  EXPECT_NE(ascii.find("[ left (RuleNode) | right (RuleNode) ]"), std::string::npos) << ascii;
}

TEST(RenderTest, QuotesInRulesAreEscaped) {
  GraphRef spec = load(R"(
nodes:
  a: RuleNode
  b: RuleNode
edges:
  - {from: a, to: b, rule: 'name == "x\\y"'}
)");
  ASSERT_NE(spec, nullptr);
  auto plan = make_plan(*spec).value();
  const std::string dot = render_graph(*spec, plan, RenderFormat::kDot);
  EXPECT_NE(dot.find(R"("a" -> "b" [label="name == \"x\\\\y\""];)"), std::string::npos) << dot;
  const std::string mermaid = render_graph(*spec, plan, RenderFormat::kMermaid);
  EXPECT_NE(mermaid.find("|\"name == #quot;x\\\\y#quot;\"|"), std::string::npos)
      << "raw quotes would break Mermaid: " << mermaid;
}

TEST(RenderTest, FormatNames) {
  EXPECT_EQ(render_format_from_name("dot"), RenderFormat::kDot);
  EXPECT_EQ(render_format_from_name("mermaid"), RenderFormat::kMermaid);
  EXPECT_EQ(render_format_from_name("ascii"), RenderFormat::kAscii);
  EXPECT_EQ(render_format_from_name("svg"), std::nullopt);
}

}  // namespace
}  // namespace graph
