// Dag algorithms on small graphs: topological order and its tie-break, cycle
// paths, layers, reachability, traversals, and all of them after removals.
#include "core/dag/dag.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace core {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Ids = std::vector<std::string>;
using Edges = std::vector<std::pair<std::string, std::string>>;

Dag make_dag(const Ids& nodes, const Edges& edges) {
  Dag dag;
  for (const std::string& id : nodes) {
    dag.add_node(id).throw_if_error();
  }
  for (const auto& [from, to] : edges) {
    dag.add_edge(from, to).throw_if_error();
  }
  return dag;
}

// a -> b, a -> c, b -> d, c -> d
Dag make_diamond() {
  return make_dag({"a", "b", "c", "d"}, {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}});
}

void expect_cycle_error(const Dag& dag, const std::string& message) {
  auto order = dag.topological_order();
  ASSERT_FALSE(order.is_ok());
  EXPECT_EQ(order.error().code(), ErrorCode::kCycle);
  EXPECT_EQ(order.error().message(), message);
  auto layers = dag.layers();
  ASSERT_FALSE(layers.is_ok());
  EXPECT_EQ(layers.error().code(), ErrorCode::kCycle);
  EXPECT_EQ(layers.error().message(), message);
}

// The cycle is closed and each step is an edge of the graph.
void expect_real_cycle(const Dag& dag, const Ids& cycle) {
  ASSERT_GE(cycle.size(), 3u);
  EXPECT_EQ(cycle.front(), cycle.back());
  for (std::size_t i = 0; i + 1 < cycle.size(); ++i) {
    EXPECT_TRUE(dag.has_edge(cycle[i], cycle[i + 1])) << cycle[i] << " -> " << cycle[i + 1];
  }
}

Ids dfs_order(const Dag& dag, const std::string& start, std::size_t limit = SIZE_MAX) {
  Ids seen;
  EXPECT_TRUE(dag.dfs(start,
                      [&](std::string_view id) {
                        seen.emplace_back(id);
                        return seen.size() < limit;
                      })
                  .is_ok());
  return seen;
}

Ids bfs_order(const Dag& dag, const std::string& start, std::size_t limit = SIZE_MAX) {
  Ids seen;
  EXPECT_TRUE(dag.bfs(start,
                      [&](std::string_view id) {
                        seen.emplace_back(id);
                        return seen.size() < limit;
                      })
                  .is_ok());
  return seen;
}

// ---- Topological order ----

TEST(DagTopologicalOrderTest, EmptyGraphHasEmptyOrder) {
  Dag dag;
  EXPECT_THAT(dag.topological_order().value(), IsEmpty());
  EXPECT_THAT(dag.layers().value(), IsEmpty());
  EXPECT_FALSE(dag.find_cycle().has_value());
}

TEST(DagTopologicalOrderTest, UnrelatedNodesKeepInsertionOrder) {
  Dag dag = make_dag({"c", "a", "b"}, {});
  EXPECT_THAT(dag.topological_order().value(), ElementsAre("c", "a", "b"));
}

TEST(DagTopologicalOrderTest, Diamond) {
  EXPECT_THAT(make_diamond().topological_order().value(), ElementsAre("a", "b", "c", "d"));
  // Edge order does not matter, node order does.
  Dag swapped = make_dag({"a", "c", "b", "d"}, {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}});
  EXPECT_THAT(swapped.topological_order().value(), ElementsAre("a", "c", "b", "d"));
}

TEST(DagTopologicalOrderTest, EarliestInsertedReadyNodeGoesFirst) {
  // z was inserted first but waits for y; once y is out, z beats later nodes.
  Dag dag = make_dag({"z", "x", "y", "w"}, {{"y", "z"}, {"x", "w"}});
  EXPECT_THAT(dag.topological_order().value(), ElementsAre("x", "y", "z", "w"));
}

TEST(DagTopologicalOrderTest, IndicesMatchIds) {
  Dag dag = make_dag({"d", "c", "b", "a"}, {{"a", "b"}, {"b", "c"}, {"c", "d"}});
  auto indices = dag.topological_indices();
  ASSERT_TRUE(indices.is_ok());
  Ids ids;
  for (Dag::NodeIndex index : indices.value()) {
    ids.emplace_back(dag.id_of(index));
  }
  EXPECT_THAT(ids, ElementsAre("a", "b", "c", "d"));
  EXPECT_EQ(ids, dag.topological_order().value());
}

// The tie-break spelled out naively: repeatedly take the earliest-inserted
// node whose predecessors have all been taken. Random graphs, with removals
// and re-additions, must agree with it exactly.
TEST(DagTopologicalOrderTest, MatchesANaiveReferenceOnRandomGraphs) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    const int n = 60;
    // Edges go from lower to higher rank in a hidden permutation: acyclic.
    std::vector<int> rank(n);
    for (int i = 0; i < n; ++i) {
      rank[i] = i;
    }
    std::shuffle(rank.begin(), rank.end(), rng);
    Dag dag;
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(dag.add_node("v" + std::to_string(i)).is_ok());
    }
    for (int k = 0; k < 150; ++k) {
      const int a = std::uniform_int_distribution<int>(0, n - 1)(rng);
      const int b = std::uniform_int_distribution<int>(0, n - 1)(rng);
      if (rank[a] == rank[b]) continue;
      const auto [from, to] = rank[a] < rank[b] ? std::pair(a, b) : std::pair(b, a);
      (void)dag.add_edge("v" + std::to_string(from), "v" + std::to_string(to));
    }
    for (int k = 0; k < 10; ++k) {
      const std::string id =
          "v" + std::to_string(std::uniform_int_distribution<int>(0, n - 1)(rng));
      if (dag.remove_node(id).is_ok() && k % 2 == 0) {
        ASSERT_TRUE(dag.add_node(id).is_ok());
      }
    }

    Ids expected;
    Ids remaining = dag.nodes();
    while (!remaining.empty()) {
      auto ready = std::find_if(remaining.begin(), remaining.end(), [&](const std::string& id) {
        // Bound to a local: a range-for over `f().value()` would walk a
        // destroyed temporary.
        const Ids preds = dag.predecessors(id).value();
        for (const std::string& pred : preds) {
          if (std::find(expected.begin(), expected.end(), pred) == expected.end()) return false;
        }
        return true;
      });
      ASSERT_NE(ready, remaining.end());
      expected.push_back(*ready);
      remaining.erase(ready);
    }
    EXPECT_EQ(dag.topological_order().value(), expected) << "seed " << seed;
  }
}

// ---- Cycles ----

TEST(DagCycleTest, ReportsTheCyclePath) {
  Dag dag = make_dag({"a", "b", "c"}, {{"a", "b"}, {"b", "c"}, {"c", "a"}});
  expect_cycle_error(dag, "Cycle detected: a -> b -> c -> a");
  EXPECT_THAT(dag.find_cycle().value(), ElementsAre("a", "b", "c", "a"));
}

TEST(DagCycleTest, TwoNodeCycle) {
  Dag dag = make_dag({"a", "b"}, {{"a", "b"}, {"b", "a"}});
  expect_cycle_error(dag, "Cycle detected: a -> b -> a");
}

TEST(DagCycleTest, FindsACycleNotReachableFromTheFirstNode) {
  Dag dag = make_dag({"x", "y", "a", "b", "c"}, {{"x", "y"}, {"a", "b"}, {"b", "c"}, {"c", "a"}});
  expect_cycle_error(dag, "Cycle detected: a -> b -> c -> a");
  expect_real_cycle(dag, dag.find_cycle().value());
}

TEST(DagCycleTest, PathLeadingIntoTheCycleIsNotPartOfIt) {
  Dag dag = make_dag({"r", "s", "a", "b", "c"},
                     {{"r", "s"}, {"s", "a"}, {"a", "b"}, {"b", "c"}, {"c", "a"}});
  expect_cycle_error(dag, "Cycle detected: a -> b -> c -> a");
}

TEST(DagCycleTest, StartsAtTheEarliestInsertedNodeOfTheCycle) {
  // The search enters the cycle at a (via x), but b was inserted first.
  Dag dag = make_dag({"x", "b", "c", "a"}, {{"x", "a"}, {"a", "c"}, {"c", "b"}, {"b", "a"}});
  expect_cycle_error(dag, "Cycle detected: b -> a -> c -> b");
  expect_real_cycle(dag, dag.find_cycle().value());
}

TEST(DagCycleTest, AcyclicGraphHasNoCycle) {
  EXPECT_FALSE(make_diamond().find_cycle().has_value());
}

TEST(DagCycleTest, EveryReportedCycleIsRealInRandomGraphs) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    const int n = 40;
    Dag dag;
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(dag.add_node("v" + std::to_string(i)).is_ok());
    }
    for (int k = 0; k < 50; ++k) {
      (void)dag.add_edge("v" + std::to_string(std::uniform_int_distribution<int>(0, n - 1)(rng)),
                         "v" + std::to_string(std::uniform_int_distribution<int>(0, n - 1)(rng)));
    }
    auto cycle = dag.find_cycle();
    auto order = dag.topological_order();
    // Exactly one of the two succeeds.
    ASSERT_NE(cycle.has_value(), order.is_ok()) << "seed " << seed;
    if (!cycle) continue;
    expect_real_cycle(dag, *cycle);
    std::string message = "Cycle detected: ";
    for (std::size_t i = 0; i < cycle->size(); ++i) {
      message += (i ? " -> " : "") + (*cycle)[i];
    }
    EXPECT_EQ(order.error().message(), message);
  }
}

TEST(DagCycleTest, BreakingTheCycleRestoresTheOrder) {
  Dag dag = make_dag({"a", "b", "c"}, {{"a", "b"}, {"b", "c"}, {"c", "a"}});
  ASSERT_TRUE(dag.remove_edge("c", "a").is_ok());
  EXPECT_THAT(dag.topological_order().value(), ElementsAre("a", "b", "c"));
  ASSERT_TRUE(dag.add_edge("c", "a").is_ok());
  ASSERT_TRUE(dag.remove_node("b").is_ok());
  EXPECT_THAT(dag.topological_order().value(), ElementsAre("c", "a"));
}

// ---- Layers ----

TEST(DagLayersTest, Diamond) {
  EXPECT_THAT(make_diamond().layers().value(),
              ElementsAre(ElementsAre("a"), ElementsAre("b", "c"), ElementsAre("d")));
}

TEST(DagLayersTest, LevelIsTheLongestPathFromARoot) {
  // a -> b -> c -> d is long; a -> d and e -> d are short. d sits below c.
  Dag dag = make_dag({"d", "e", "c", "b", "a", "f"},
                     {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"a", "d"}, {"e", "d"}, {"e", "f"}});
  EXPECT_THAT(dag.layers().value(), ElementsAre(ElementsAre("e", "a"), ElementsAre("b", "f"),
                                                ElementsAre("c"), ElementsAre("d")));
}

TEST(DagLayersTest, IsolatedNodesAreInTheFirstLayer) {
  Dag dag = make_dag({"b", "a", "c"}, {{"a", "c"}});
  EXPECT_THAT(dag.layers().value(), ElementsAre(ElementsAre("b", "a"), ElementsAre("c")));
}

TEST(DagLayersTest, AfterRemovingTheLongPath) {
  Dag dag = make_dag({"a", "b", "c", "d"}, {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"a", "d"}});
  ASSERT_TRUE(dag.remove_node("c").is_ok());
  EXPECT_THAT(dag.layers().value(), ElementsAre(ElementsAre("a"), ElementsAre("b", "d")));
}

// ---- Reachability ----

TEST(DagReachableTest, FollowsEdgeDirection) {
  Dag dag = make_dag({"a", "b", "c", "d", "e"}, {{"a", "b"}, {"b", "c"}, {"d", "c"}});
  EXPECT_TRUE(dag.reachable("a", "c").value());
  EXPECT_TRUE(dag.reachable("a", "b").value());
  EXPECT_FALSE(dag.reachable("c", "a").value());
  EXPECT_FALSE(dag.reachable("a", "d").value());
  EXPECT_FALSE(dag.reachable("a", "e").value());
}

TEST(DagReachableTest, EveryNodeReachesItself) {
  Dag dag = make_dag({"a", "b"}, {});
  EXPECT_TRUE(dag.reachable("a", "a").value());
  EXPECT_FALSE(dag.reachable("a", "b").value());
}

TEST(DagReachableTest, TerminatesOnCycles) {
  Dag dag = make_dag({"a", "b", "c", "d"}, {{"a", "b"}, {"b", "c"}, {"c", "a"}});
  EXPECT_TRUE(dag.reachable("b", "a").value());
  EXPECT_FALSE(dag.reachable("a", "d").value());
}

TEST(DagReachableTest, UnknownIds) {
  Dag dag = make_dag({"a"}, {});
  auto from = dag.reachable("x", "a");
  ASSERT_FALSE(from.is_ok());
  EXPECT_EQ(from.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(from.error().message(), "unknown node 'x'");
  auto to = dag.reachable("a", "y");
  ASSERT_FALSE(to.is_ok());
  EXPECT_EQ(to.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(to.error().message(), "unknown node 'y'");
}

TEST(DagReachableTest, AfterRemovals) {
  Dag dag = make_dag({"a", "b", "c"}, {{"a", "b"}, {"b", "c"}});
  ASSERT_TRUE(dag.remove_edge("b", "c").is_ok());
  EXPECT_FALSE(dag.reachable("a", "c").value());
  ASSERT_TRUE(dag.add_edge("b", "c").is_ok());
  ASSERT_TRUE(dag.remove_node("b").is_ok());
  EXPECT_FALSE(dag.reachable("a", "c").value());
}

// ---- Traversals ----

// a -> b, a -> c, b -> d, c -> d, d -> e, c -> f
Dag make_traversal_graph() {
  return make_dag({"a", "b", "c", "d", "e", "f"},
                  {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}, {"d", "e"}, {"c", "f"}});
}

TEST(DagTraversalTest, DfsIsPreorderFollowingEdgesInInsertionOrder) {
  Dag dag = make_traversal_graph();
  EXPECT_THAT(dfs_order(dag, "a"), ElementsAre("a", "b", "d", "e", "c", "f"));
  EXPECT_THAT(dfs_order(dag, "c"), ElementsAre("c", "d", "e", "f"));
}

TEST(DagTraversalTest, BfsVisitsByDistance) {
  Dag dag = make_traversal_graph();
  EXPECT_THAT(bfs_order(dag, "a"), ElementsAre("a", "b", "c", "d", "f", "e"));
  EXPECT_THAT(bfs_order(dag, "e"), ElementsAre("e"));
}

TEST(DagTraversalTest, VisitorReturningFalseStops) {
  Dag dag = make_traversal_graph();
  EXPECT_THAT(dfs_order(dag, "a", 3), ElementsAre("a", "b", "d"));
  EXPECT_THAT(bfs_order(dag, "a", 3), ElementsAre("a", "b", "c"));
  EXPECT_THAT(dfs_order(dag, "a", 1), ElementsAre("a"));
  EXPECT_THAT(bfs_order(dag, "a", 1), ElementsAre("a"));
}

TEST(DagTraversalTest, CyclesAreVisitedOnce) {
  Dag dag = make_dag({"a", "b", "c"}, {{"a", "b"}, {"b", "c"}, {"c", "a"}});
  EXPECT_THAT(dfs_order(dag, "b"), ElementsAre("b", "c", "a"));
  EXPECT_THAT(bfs_order(dag, "b"), ElementsAre("b", "c", "a"));
}

TEST(DagTraversalTest, UnknownStart) {
  Dag dag = make_traversal_graph();
  int calls = 0;
  auto count = [&](std::string_view) { return ++calls > 0; };
  Status dfs = dag.dfs("x", count);
  ASSERT_FALSE(dfs.is_ok());
  EXPECT_EQ(dfs.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(dfs.error().message(), "unknown node 'x'");
  Status bfs = dag.bfs("y", count);
  ASSERT_FALSE(bfs.is_ok());
  EXPECT_EQ(bfs.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(bfs.error().message(), "unknown node 'y'");
  EXPECT_EQ(calls, 0);
}

TEST(DagTraversalTest, AfterRemovalsAndReAddition) {
  Dag dag = make_traversal_graph();
  ASSERT_TRUE(dag.remove_node("b").is_ok());
  ASSERT_TRUE(dag.remove_edge("c", "d").is_ok());
  ASSERT_TRUE(dag.add_node("b").is_ok());
  ASSERT_TRUE(dag.add_edge("c", "b").is_ok());
  ASSERT_TRUE(dag.add_edge("c", "d").is_ok());
  EXPECT_THAT(dfs_order(dag, "a"), ElementsAre("a", "c", "f", "b", "d", "e"));
  EXPECT_THAT(bfs_order(dag, "a"), ElementsAre("a", "c", "f", "b", "d", "e"));
  EXPECT_THAT(dag.topological_order().value(), ElementsAre("a", "c", "d", "e", "f", "b"));
}

}  // namespace
}  // namespace core
