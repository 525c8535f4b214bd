// Drives the lgraph binary the way a user does and checks what it prints and
// its exit status.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct Outcome {
  int exit_code;
  std::string out;  // stdout and stderr together
};

Outcome lgraph(const std::string& args) {
  const std::string command = std::string(LGRAPH_BIN) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
    out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class LgraphCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lgraph_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

constexpr const char* kGood = R"(
name: approval
nodes:
  check: {node_type: RuleNode, condition: "amount > 100"}
  notify: RuleNode
  audit: RuleNode
edges:
  - {from: check, to: notify, rule: "check_result"}
  - {from: check, to: audit}
)";

TEST_F(LgraphCliTest, ValidateAcceptsAGoodGraph) {
  Outcome r = lgraph("validate " + write("good.yaml", kGood));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ok (3 nodes, 2 edges)"), std::string::npos) << r.out;
}

TEST_F(LgraphCliTest, ValidateReportsACycleWithItsPathAndFails) {
  Outcome r = lgraph("validate " + write("cycle.yaml", R"(
nodes: {a: RuleNode, b: RuleNode, c: RuleNode}
edges:
  - {from: a, to: b}
  - {from: b, to: c}
  - {from: c, to: a}
)"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("[E006]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Cycle detected: a -> b -> c -> a"), std::string::npos) << r.out;
}

TEST_F(LgraphCliTest, ValidateReportsBadExpressionsWithFileAndLine) {
  const std::string file = write("bad.yaml", R"(
nodes:
  check: {node_type: RuleNode, condition: "amount >"}
)");
  Outcome r = lgraph("validate " + file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("[E003] " + file + ":3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node 'check'"), std::string::npos) << r.out;
}

TEST_F(LgraphCliTest, ValidateReportsMalformedYamlAndMissingFiles) {
  Outcome bad = lgraph("validate " + write("broken.yaml", "nodes: {a: [\n"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("[E007]"), std::string::npos) << bad.out;
  Outcome missing = lgraph("validate " + (dir_ / "nope.yaml").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("[E007]"), std::string::npos) << missing.out;
}

TEST_F(LgraphCliTest, DryRunPrintsTheLayers) {
  Outcome r = lgraph("dry-run " + write("good.yaml", kGood));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("layer 2 (parallel): notify (RuleNode), audit (RuleNode)"),
            std::string::npos)
      << r.out;
}

TEST_F(LgraphCliTest, VisualizeInEachFormatAndRejectsUnknownOnes) {
  const std::string file = write("good.yaml", kGood);
  Outcome dot = lgraph("visualize " + file + " --format dot");
  EXPECT_EQ(dot.exit_code, 0) << dot.out;
  EXPECT_NE(dot.out.find("\"check\" -> \"notify\" [label=\"check_result\"];"), std::string::npos)
      << dot.out;
  Outcome mermaid = lgraph("visualize " + file + " --format mermaid");
  EXPECT_EQ(mermaid.exit_code, 0);
  EXPECT_EQ(mermaid.out.rfind("flowchart LR", 0), 0u) << mermaid.out;
  Outcome svg = lgraph("visualize " + file + " --format svg");
  EXPECT_NE(svg.exit_code, 0);
}

TEST_F(LgraphCliTest, TheExampleGraphsValidateAndPlan) {
  for (const char* name : {"loan.yaml", "purchasing.yaml"}) {
    const std::string file = std::string(EXAMPLES_DIR) + "/" + name;
    Outcome v = lgraph("validate " + file);
    EXPECT_EQ(v.exit_code, 0) << v.out;
    Outcome plan = lgraph("dry-run " + file);
    EXPECT_EQ(plan.exit_code, 0) << plan.out;
  }
  Outcome loan = lgraph("dry-run " + std::string(EXAMPLES_DIR) + "/loan.yaml");
  EXPECT_NE(loan.out.find("layer 3 (parallel): decide (ConditionalNode), reject (RuleNode)"),
            std::string::npos)
      << loan.out;
}

constexpr const char* kApplicant =
    R"('{"amount": 12000, "applicant": {"age": 34, "credit_score": 720, "monthly_income": 4200, "monthly_debt": 900}}')";

TEST_F(LgraphCliTest, RunPrintsTheFinalContext) {
  const std::string loan = std::string(EXAMPLES_DIR) + "/loan.yaml";
  Outcome json = lgraph("run " + loan + " --output json --context " + kApplicant);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto context = nlohmann::json::parse(json.out);
  EXPECT_EQ(context["decision"], "approved");
  EXPECT_FALSE(context.contains("review_result")) << "a skipped node writes nothing";

  Outcome big =
      lgraph("run " + loan + " --output json --set amount=900000 --context " + kApplicant);
  ASSERT_EQ(big.exit_code, 0) << big.out;
  EXPECT_EQ(nlohmann::json::parse(big.out)["decision"], "manual_review") << "--set overrides";

  Outcome pretty = lgraph("run " + loan + " --context " + kApplicant);
  ASSERT_EQ(pretty.exit_code, 0);
  EXPECT_NE(pretty.out.find("6 nodes: 4 executed, 2 skipped, 0 failed"), std::string::npos)
      << pretty.out;
}

TEST_F(LgraphCliTest, RunReadsTheContextFromAFileAndRejectsBadInput) {
  const std::string loan = std::string(EXAMPLES_DIR) + "/loan.yaml";
  const std::string file = write("ctx.json", R"({"amount": 5, "applicant": {"age": 16,
      "credit_score": 720, "monthly_income": 4200, "monthly_debt": 900}})");
  Outcome r = lgraph("run " + loan + " --output json --context @" + file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["decision"], "rejected");

  Outcome bad = lgraph("run " + loan + " --context '{not json'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("[E007]"), std::string::npos) << bad.out;
  Outcome missing = lgraph("run " + loan + " --context '{}'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("[E010]"), std::string::npos) << missing.out;
  EXPECT_NE(missing.out.find("'applicant'"), std::string::npos) << missing.out;
}

TEST_F(LgraphCliTest, ProfileReportsLatencyRealAllocationsAndPoolReuse) {
  const std::string loan = std::string(EXAMPLES_DIR) + "/loan.yaml";
  Outcome r = lgraph("profile " + loan + " -n 20 --output json --context " + kApplicant);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["runs"], 20);
  EXPECT_GT(report["latency_ns"]["p50"].get<int64_t>(), 0);
  EXPECT_LE(report["latency_ns"]["p50"].get<int64_t>(), report["latency_ns"]["p99"].get<int64_t>());
  EXPECT_GT(report["allocations_per_run"].get<double>(), 0) << "counts come from the real hook";
  EXPECT_EQ(report["context_pool"]["acquired"], 20);
  EXPECT_EQ(report["context_pool"]["reused"], 19);
  EXPECT_EQ(report["cache_hits"], 0) << "loan.yaml caches nothing";
  Outcome pretty = lgraph("profile " + loan + " -n 5 --context " + kApplicant);
  ASSERT_EQ(pretty.exit_code, 0);
  EXPECT_NE(pretty.out.find("p99"), std::string::npos) << pretty.out;
}

TEST_F(LgraphCliTest, ProfileCountsCacheHits) {
  const std::string file = write("cached.yaml", R"(
nodes:
  square: {node_type: RuleNode, cache: true, set: {r: "a * a"}}
)");
  Outcome r = lgraph("profile " + file + " -n 10 --output json --set a=3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["cache_hits"], 9) << "every run after the first";
}

TEST_F(LgraphCliTest, AnAiNodeFailsTheRunAtRunTime) {
  Outcome r = lgraph("run " + write("ai.yaml", R"(
nodes:
  summarise: {node_type: AINode, prompt: "Summarise {{order}}"}
)"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("[E001]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("integration not available"), std::string::npos) << r.out;
}

TEST_F(LgraphCliTest, NoCommandIsAUsageError) {
  Outcome r = lgraph("");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("validate"), std::string::npos) << "usage should list the commands";
}

}  // namespace
