// `cache:` on RuleNode, DBNode and SubgraphNode, run through a GraphRunner.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "graph/integrations/sqlite.h"
#include "runner_fixture.h"

namespace graph {
namespace {

TEST_F(GraphRunnerTest, ACachedRuleReplaysItsWritesForTheSameInputs) {
  auto g = runner(R"(
nodes:
  price:
    node_type: RuleNode
    cache: true
    condition: "qty > 0"
    set: {total: "qty * unit", with_tax: "total * 2"}
)");
  ASSERT_NE(g, nullptr);
  auto first = g->run({{"qty", 3}, {"unit", 5}});
  ASSERT_TRUE(first.is_ok()) << first.error().to_string();
  EXPECT_FALSE(stats_of(first.value(), "price")->cache_hit);

  auto second = g->run({{"qty", 3}, {"unit", 5}, {"unrelated", 1}});
  ASSERT_TRUE(second.is_ok());
  EXPECT_TRUE(stats_of(second.value(), "price")->cache_hit) << "same qty and unit";
  EXPECT_EQ(second.value().context_json()["total"], 15);
  EXPECT_EQ(second.value().context_json()["with_tax"], 30);
  EXPECT_EQ(second.value().context_json()["price_result"], true);
  EXPECT_NE(second.value().summary().find("1 executed (1 from cache)"), std::string::npos)
      << second.value().summary();

  auto other = g->run({{"qty", 4}, {"unit", 5}});
  ASSERT_TRUE(other.is_ok());
  EXPECT_FALSE(stats_of(other.value(), "price")->cache_hit);
  EXPECT_EQ(other.value().context_json()["total"], 20);

  // `total` is set by the node before with_tax reads it, so it is not an input.
  auto preset = g->run({{"qty", 3}, {"unit", 5}, {"total", 999}});
  ASSERT_TRUE(preset.is_ok());
  EXPECT_TRUE(stats_of(preset.value(), "price")->cache_hit);
  EXPECT_EQ(preset.value().context_json()["total"], 15);
}

TEST_F(GraphRunnerTest, ACachedFailedConditionReplaysOnlyTheResult) {
  auto g = runner(R"(
nodes:
  gate: {node_type: RuleNode, cache: true, condition: "x > 5", set: {big: "true"}}
)");
  ASSERT_NE(g, nullptr);
  ASSERT_TRUE(g->run({{"x", 1}}).is_ok());
  auto again = g->run({{"x", 1}, {"big", "from input"}});
  ASSERT_TRUE(again.is_ok());
  EXPECT_TRUE(stats_of(again.value(), "gate")->cache_hit);
  EXPECT_EQ(again.value().context_json()["gate_result"], false);
  EXPECT_EQ(again.value().context_json()["big"], "from input")
      << "nothing was set, nothing replays";
}

TEST_F(GraphRunnerTest, FailuresAreNotCached) {
  auto g = runner(R"(nodes: {d: {node_type: RuleNode, cache: true, set: {r: "a / b"}}})");
  ASSERT_NE(g, nullptr);
  for (int i = 0; i < 2; ++i) {
    auto r = g->run({{"a", 1}, {"b", 0}});
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.error().tag(), "E003");
  }
}

TEST_F(GraphRunnerTest, TheCacheEvictsTheLeastRecentlyUsedBeyondMaxEntries) {
  auto g =
      runner(R"(nodes: {d: {node_type: RuleNode, cache: {max_entries: 1}, set: {r: "a + 1"}}})");
  ASSERT_NE(g, nullptr);
  auto hit = [&g](int a) {
    auto r = g->run({{"a", a}});
    EXPECT_TRUE(r.is_ok());
    return r.is_ok() && r.value().nodes[0].cache_hit;
  };
  EXPECT_FALSE(hit(1));
  EXPECT_TRUE(hit(1));
  EXPECT_FALSE(hit(2));
  EXPECT_FALSE(hit(1)) << "2 evicted 1";
}

TEST_F(GraphRunnerTest, ACachedSubgraphReplaysItsOutputMapping) {
  auto g = runner(R"(
nodes:
  sub:
    node_type: SubgraphNode
    cache: true
    graph: {nodes: {double: {node_type: RuleNode, set: {out: "n * 2"}}}}
    input_mapping: {value: n}
    output_mapping: {out: doubled}
)");
  ASSERT_NE(g, nullptr);
  ASSERT_TRUE(g->run({{"value", 21}}).is_ok());
  auto r = g->run({{"value", 21}});
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r.value().nodes[0].cache_hit);
  EXPECT_EQ(r.value().context_json()["doubled"], 42);
  EXPECT_EQ(r.value().context_json()["sub_result"]["out"], 42);
}

class CachedQueryTest : public GraphRunnerTest {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("lgraph_cache_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    auto db = SqliteDatabase::open(path_.string(), /*create_if_missing=*/true);
    ASSERT_TRUE(db.is_ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->query("CREATE TABLE t (k INTEGER, v TEXT)", {}).is_ok());
    ASSERT_TRUE(db_->query("INSERT INTO t VALUES (1, 'one')", {}).is_ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove(path_);
  }
  std::filesystem::path path_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(CachedQueryTest, AHitSkipsTheQueryUntilTheTtlRunsOut) {
  auto g = runner("database: " + path_.string() + R"(
nodes:
  q: {node_type: DBNode, cache: {ttl_ms: 100}, query: "SELECT v FROM t WHERE k = ?", params: [k]}
)");
  ASSERT_NE(g, nullptr);
  ASSERT_TRUE(g->run({{"k", 1}}).is_ok());
  ASSERT_TRUE(db_->query("UPDATE t SET v = 'changed'", {}).is_ok());
  auto cached = g->run({{"k", 1}});
  ASSERT_TRUE(cached.is_ok());
  EXPECT_TRUE(cached.value().nodes[0].cache_hit);
  EXPECT_EQ(cached.value().context_json()["q_result"][0]["v"], "one") << "served from the cache";

  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto fresh = g->run({{"k", 1}});
  ASSERT_TRUE(fresh.is_ok());
  EXPECT_FALSE(fresh.value().nodes[0].cache_hit) << "the entry expired";
  EXPECT_EQ(fresh.value().context_json()["q_result"][0]["v"], "changed");
}

TEST_F(GraphRunnerTest, ConcurrentRunsShareOneCacheSafely) {
  auto g = runner(R"(nodes: {d: {node_type: RuleNode, cache: true, set: {r: "a * a"}}})");
  ASSERT_NE(g, nullptr);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&g, &wrong] {
      for (int i = 0; i < 500; ++i) {
        const int a = i % 7;
        auto r = g->run({{"a", a}});
        if (!r.is_ok() || r.value().context_json()["r"] != a * a) ++wrong;
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace graph
