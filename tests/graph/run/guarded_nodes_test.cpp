// TryCatchNode, RetryNode, CircuitBreakerNode and the integration nodes, run
// through a GraphRunner.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "graph/integrations/sqlite.h"
#include "runner_fixture.h"

namespace graph {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

bool has(const core::Error& e, std::string_view text) {
  return e.to_string().find(text) != std::string::npos;
}

TEST_F(GraphRunnerTest, TryPassesOutTheKeysItSetsAndSkipsCatch) {
  auto g = runner(R"(
nodes:
  guard:
    node_type: TryCatchNode
    try: {nodes: {inner: {node_type: RuleNode, set: {price: "qty * 2"}}}}
    catch: {nodes: {fallback: {node_type: RuleNode, set: {price: "0", caught: "true"}}}}
  after: {node_type: RuleNode, set: {doubled: "price * 2"}}
edges:
  - {from: guard, to: after}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"qty", 5}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  const Json out = r.value().context_json();
  EXPECT_EQ(out["price"], 10);
  EXPECT_EQ(out["doubled"], 20) << "a later node sees what the try body set";
  EXPECT_EQ(out["guard_result"], (Json{{"ok", true}}));
  EXPECT_FALSE(out.contains("caught"));
  EXPECT_FALSE(out.contains("inner_result")) << "body nodes' own results stay in the body";
}

TEST_F(GraphRunnerTest, CatchSeesTheErrorAndAFailedTryLeavesNothingBehind) {
  auto g = runner(R"(
nodes:
  guard:
    node_type: TryCatchNode
    try:
      nodes:
        first: {node_type: RuleNode, set: {partial: "1"}}
        divide: {node_type: RuleNode, set: {price: "total / qty"}}
      edges: [{from: first, to: divide}]
    catch:
      nodes:
        fallback:
          node_type: RuleNode
          set: {price: "0", why: "error.code + ': ' + error.message", where: "error.node"}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run({{"total", 10}, {"qty", 0}});
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  const Json out = r.value().context_json();
  EXPECT_EQ(out["price"], 0);
  EXPECT_EQ(out["why"], "E003: division by zero in '/'");
  EXPECT_EQ(out["where"], "divide");
  EXPECT_FALSE(out.contains("partial")) << "the failed try's writes must be discarded";
  EXPECT_FALSE(out.contains("error")) << "`error` is the catch body's, not the parent's";
  EXPECT_EQ(out["guard_result"]["ok"], false);
  EXPECT_EQ(out["guard_result"]["error"]["code"], "E003");
  EXPECT_EQ(status_of(r.value(), "guard"), NodeStatus::kExecuted);
}

TEST_F(GraphRunnerTest, TryWithoutCatchOnlyRecordsTheFailure) {
  auto g = runner(R"(
nodes:
  guard: {node_type: TryCatchNode, try: {nodes: {x: {node_type: RuleNode, set: {y: "missing + 1"}}}}}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run(Json::object());
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().context_json()["guard_result"]["error"]["code"], "E010");
}

TEST_F(GraphRunnerTest, AFailingCatchFailsTheNode) {
  auto g = runner(R"(
nodes:
  guard:
    node_type: TryCatchNode
    try: {nodes: {x: {node_type: RuleNode, set: {y: "1 / 0"}}}}
    catch: {nodes: {c: {node_type: RuleNode, set: {z: "nope.field"}}}}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run(Json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E010") << r.error().to_string();
  EXPECT_EQ(r.error().context().node_id, "c");
}

// Retries need state that survives a failed attempt: a SQLite counter.
class RetryTest : public GraphRunnerTest {
 protected:
  void SetUp() override {
    db_path_ = std::filesystem::temp_directory_path() /
               ("lgraph_retry_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(db_path_);
    auto db = SqliteDatabase::open(db_path_.string(), /*create_if_missing=*/true);
    ASSERT_TRUE(db.is_ok()) << db.error().to_string();
    ASSERT_TRUE(db.value()->query("CREATE TABLE c (n INTEGER)", {}).is_ok());
    ASSERT_TRUE(db.value()->query("INSERT INTO c VALUES (0)", {}).is_ok());
  }
  void TearDown() override { std::filesystem::remove(db_path_); }

  // A graph whose `again` node retries a body that counts its attempts in
  // the database and fails (division by zero) until attempt `succeed_at`.
  // `policy` is the node's other fields, "key: value, key: value".
  std::string counting_graph(int succeed_at, std::string policy) {
    for (size_t at = policy.find(", "); at != std::string::npos; at = policy.find(", ", at))
      policy.replace(at, 2, "\n    ");
    const std::string last_failing = std::to_string(succeed_at - 1);
    return "database: " + db_path_.string() + R"Y(
nodes:
  again:
    node_type: RetryNode
    )Y" + policy +
           R"Y(
    body:
      nodes:
        bump: {node_type: DBNode, query: "UPDATE c SET n = n + 1 RETURNING n"}
        check: {node_type: RuleNode, set: {value: "10 / max(bump_result[0].n - )Y" +
           last_failing + R"Y(, 0)"}}
      edges: [{from: bump, to: check}]
)Y";
  }
  int attempts_counted() {
    auto db = SqliteDatabase::open(db_path_.string());
    return db.value()->query("SELECT n FROM c", {}).value()[0]["n"].get<int>();
  }

  std::filesystem::path db_path_;
};

TEST_F(RetryTest, RetriesUntilTheBodySucceedsAndKeepsOnlyTheGoodAttempt) {
  auto g = runner(counting_graph(3, "max_retries: 5, initial_delay_ms: 1"));
  ASSERT_NE(g, nullptr);
  auto r = g->run(Json::object());
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r.value().context_json()["again_result"], (Json{{"attempts", 3}}));
  EXPECT_DOUBLE_EQ(r.value().context_json()["value"].get<double>(), 10.0);
  EXPECT_EQ(attempts_counted(), 3);
}

TEST_F(RetryTest, GivesUpAfterMaxRetriesHavingWaitedTheBackoff) {
  // Delays before retries 1..3: 20, 40 and 80 ms.
  auto g =
      runner(counting_graph(100, "max_retries: 3, initial_delay_ms: 20, backoff_multiplier: 2"));
  ASSERT_NE(g, nullptr);
  const auto start = Clock::now();
  auto r = g->run(Json::object());
  const auto took = Clock::now() - start;
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E001");
  EXPECT_TRUE(has(r.error(), "gave up after 4 attempts")) << r.error().to_string();
  EXPECT_TRUE(has(r.error(), "E003 division by zero")) << r.error().to_string();
  EXPECT_EQ(r.error().context().node_id, "again");
  EXPECT_EQ(attempts_counted(), 4);
  EXPECT_GE(took, milliseconds(140)) << "the backoff delays must actually be waited";
}

TEST_F(RetryTest, JitterKeepsEachDelayAboveHalf) {
  auto g = runner(counting_graph(
      100, "max_retries: 2, initial_delay_ms: 40, backoff_multiplier: 1, jitter: true"));
  ASSERT_NE(g, nullptr);
  const auto start = Clock::now();
  auto r = g->run(Json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_GE(Clock::now() - start, milliseconds(40)) << "two delays of at least 20 ms each";
  EXPECT_EQ(attempts_counted(), 3);
}

TEST_F(RetryTest, ADelayPastTheNodesTimeoutStopsWithE005) {
  auto g = runner(counting_graph(100, "max_retries: 3, initial_delay_ms: 10000, timeout_ms: 50"));
  ASSERT_NE(g, nullptr);
  auto r = g->run(Json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E005") << r.error().to_string();
  EXPECT_TRUE(has(r.error(), "would pass the node's timeout_ms")) << r.error().to_string();
  EXPECT_EQ(attempts_counted(), 1) << "it must not sleep 10 s first";
}

TEST_F(GraphRunnerTest, RetryRunsANamedNodeInItsPlace) {
  auto g = runner(R"(
nodes:
  compute: {node_type: RuleNode, set: {share: "total / parts"}}
  again: {node_type: RetryNode, node: compute, max_retries: 2, initial_delay_ms: 1}
  after: {node_type: RuleNode, set: {twice: "share * 2"}}
edges:
  - {from: again, to: after}
)");
  ASSERT_NE(g, nullptr);
  auto ok = g->run({{"total", 10}, {"parts", 4}});
  ASSERT_TRUE(ok.is_ok()) << ok.error().to_string();
  EXPECT_DOUBLE_EQ(ok.value().context_json()["twice"].get<double>(), 5.0);
  EXPECT_EQ(ok.value().context_json()["again_result"]["attempts"], 1);
  EXPECT_EQ(ok.value().context_json()["compute_result"], true);
  EXPECT_EQ(status_of(ok.value(), "compute"), NodeStatus::kExecuted);

  auto bad = g->run({{"total", 10}, {"parts", 0}});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_TRUE(has(bad.error(), "gave up after 3 attempts")) << bad.error().to_string();
}

// Fails (division by zero) when `mode` is the empty string.
constexpr std::string_view kBreakerGraph = R"Y(
nodes:
  guarded:
    node_type: CircuitBreakerNode
    failure_threshold: 2
    recovery_timeout_ms: 100
    body: {nodes: {call: {node_type: RuleNode, set: {value: "10 / len(mode)"}}}}
)Y";

TEST_F(GraphRunnerTest, CircuitOpensFailsFastThenProbesAndCloses) {
  auto g = runner(kBreakerGraph);
  ASSERT_NE(g, nullptr);
  const Json good{{"mode", "ab"}}, bad{{"mode", ""}};
  ASSERT_TRUE(g->run(good).is_ok());
  for (int i = 0; i < 2; ++i) {
    auto r = g->run(bad);
    ASSERT_FALSE(r.is_ok());
    EXPECT_TRUE(has(r.error(), "division by zero")) << "closed: the body runs and fails";
  }
  auto refused = g->run(good);
  ASSERT_FALSE(refused.is_ok()) << "open: even a good call fails fast";
  EXPECT_EQ(refused.error().tag(), "E001");
  EXPECT_TRUE(has(refused.error(), "circuit open after 2 consecutive failures"))
      << refused.error().to_string();

  std::this_thread::sleep_for(milliseconds(150));
  auto probe = g->run(good);
  ASSERT_TRUE(probe.is_ok()) << probe.error().to_string();
  EXPECT_EQ(probe.value().context_json()["guarded_result"],
            (Json{{"state", "closed"}, {"probe", true}}));
  EXPECT_EQ(probe.value().context_json()["value"], 5.0);
  auto closed = g->run(good);
  ASSERT_TRUE(closed.is_ok());
  EXPECT_EQ(closed.value().context_json()["guarded_result"]["probe"], false);
}

TEST_F(GraphRunnerTest, AFailedProbeOpensTheCircuitAgain) {
  auto g = runner(kBreakerGraph);
  ASSERT_NE(g, nullptr);
  const Json good{{"mode", "ab"}}, bad{{"mode", ""}};
  ASSERT_FALSE(g->run(bad).is_ok());
  ASSERT_FALSE(g->run(bad).is_ok());
  std::this_thread::sleep_for(milliseconds(150));
  auto probe = g->run(bad);
  ASSERT_FALSE(probe.is_ok());
  EXPECT_TRUE(has(probe.error(), "division by zero")) << "the probe runs the body";
  auto refused = g->run(good);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_TRUE(has(refused.error(), "circuit open")) << refused.error().to_string();
}

// Each file names the next twice: 40 files load once each, but expanded
// where they are named they are 2^40 graphs. Loading and validating stay
// linear; compiling stops at its node budget with E004.
TEST_F(GraphRunnerTest, SubgraphFilesNamedTwicePerLevelHitTheCompileBudget) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lgraph_doubling_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const int levels = 40;
  for (int i = 0; i < levels; ++i) {
    std::ofstream(dir / ("l" + std::to_string(i) + ".yaml"))
        << "nodes:\n  t: {node_type: TryCatchNode, try: l" << i + 1 << ".yaml, catch: l" << i + 1
        << ".yaml}\n";
  }
  std::ofstream(dir / ("l" + std::to_string(levels) + ".yaml"))
      << "nodes: {a: {node_type: RuleNode, set: {k: \"1\"}}}\n";
  auto spec = load_graph_file(dir / "l0.yaml");
  ASSERT_TRUE(spec.is_ok()) << spec.error().to_string();
  auto compiled = GraphRunner::create(spec.value(), executor_);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(compiled.is_ok());
  EXPECT_EQ(compiled.error().tag(), "E004");
  EXPECT_TRUE(has(compiled.error(), "once every subgraph is expanded"))
      << compiled.error().to_string();
}

TEST_F(GraphRunnerTest, IntegrationNodesFailAtRunTimeNotAtLoad) {
  auto g = runner(R"(
nodes:
  summary: {node_type: AINode, prompt: "Summarise {{order}}", on_error: continue}
  score: {node_type: GrpcNode, address: "127.0.0.1:50051", method: "risk.Scorer/Score"}
)");
  ASSERT_NE(g, nullptr);
  auto r = g->run(Json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E001");
  EXPECT_EQ(r.error().context().node_id, "score");
  EXPECT_TRUE(has(r.error(), "GrpcNode cannot run: integration not available"))
      << r.error().to_string();

  auto ai_only = runner(R"(
nodes:
  summary: {node_type: AINode, prompt: "Summarise", on_error: continue}
)");
  ASSERT_NE(ai_only, nullptr);
  auto continued = ai_only->run(Json::object());
  ASSERT_TRUE(continued.is_ok()) << continued.error().to_string();
  EXPECT_EQ(continued.value().context_json()["summary_error"]["code"], "E001");
  EXPECT_FALSE(continued.value().context_json().contains("summary_result")) << "no fake answer";
}

}  // namespace
}  // namespace graph
