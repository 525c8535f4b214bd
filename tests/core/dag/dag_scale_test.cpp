// Dag algorithms at the logic-graph engine's scale (~100k nodes): results are
// checked edge by edge, and deep graphs must not exhaust the stack (the
// sanitizer build, with its larger frames, is the sharper test of that).
#include "core/dag/dag.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace core {
namespace {

constexpr int kNodes = 100'000;

std::string id(int i) {
  return "n" + std::to_string(i);
}

// Positions of each node in `order`, indexed by NodeIndex; fails unless
// `order` holds every node exactly once.
std::vector<std::size_t> positions(const Dag& dag, const std::vector<Dag::NodeIndex>& order) {
  std::vector<std::size_t> pos(dag.index_bound(), SIZE_MAX);
  for (std::size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(pos[order[i]], SIZE_MAX) << "node twice in the order: " << dag.id_of(order[i]);
    pos[order[i]] = i;
  }
  EXPECT_EQ(order.size(), dag.node_count());
  return pos;
}

// Every edge u -> v has u before v.
void expect_valid_order(const Dag& dag, const std::vector<Dag::NodeIndex>& order) {
  const std::vector<std::size_t> pos = positions(dag, order);
  std::size_t edges = 0;
  for (Dag::NodeIndex u : order) {
    for (Dag::NodeIndex v : dag.successor_indices(u)) {
      ++edges;
      ASSERT_LT(pos[u], pos[v]) << dag.id_of(u) << " -> " << dag.id_of(v);
    }
  }
  EXPECT_EQ(edges, dag.edge_count());
}

// A chain n0 -> n1 -> ... whose nodes are inserted in shuffled order, so the
// topological order differs from the insertion order throughout.
Dag make_chain(std::mt19937& rng) {
  std::vector<int> insertion(kNodes);
  for (int i = 0; i < kNodes; ++i) {
    insertion[i] = i;
  }
  std::shuffle(insertion.begin(), insertion.end(), rng);
  Dag dag;
  for (int i : insertion) {
    dag.add_node(id(i)).throw_if_error();
  }
  for (int i = 0; i + 1 < kNodes; ++i) {
    dag.add_edge(id(i), id(i + 1)).throw_if_error();
  }
  return dag;
}

TEST(DagScaleTest, LongChain) {
  std::mt19937 rng(7);
  Dag dag = make_chain(rng);
  auto order = dag.topological_indices();
  ASSERT_TRUE(order.is_ok()) << order.error().to_string();
  expect_valid_order(dag, order.value());
  EXPECT_EQ(dag.id_of(order.value().front()), "n0");
  EXPECT_EQ(dag.id_of(order.value().back()), id(kNodes - 1));

  EXPECT_FALSE(dag.find_cycle().has_value());
  EXPECT_EQ(dag.layers().value().size(), static_cast<std::size_t>(kNodes));
  EXPECT_TRUE(dag.reachable("n0", id(kNodes - 1)).value());
  EXPECT_FALSE(dag.reachable(id(kNodes - 1), "n0").value());

  std::size_t dfs_visits = 0;
  ASSERT_TRUE(dag.dfs("n0", [&](std::string_view) { return ++dfs_visits > 0; }).is_ok());
  EXPECT_EQ(dfs_visits, static_cast<std::size_t>(kNodes));
  std::size_t bfs_visits = 0;
  ASSERT_TRUE(dag.bfs("n0", [&](std::string_view) { return ++bfs_visits > 0; }).is_ok());
  EXPECT_EQ(bfs_visits, static_cast<std::size_t>(kNodes));
}

TEST(DagScaleTest, LongChainClosedIntoACycle) {
  std::mt19937 rng(8);
  Dag dag = make_chain(rng);
  ASSERT_TRUE(dag.add_edge(id(kNodes - 1), "n0").is_ok());
  auto cycle = dag.find_cycle();
  ASSERT_TRUE(cycle.has_value());
  ASSERT_EQ(cycle->size(), static_cast<std::size_t>(kNodes) + 1);
  EXPECT_EQ(cycle->front(), dag.nodes().front());  // the earliest-inserted node
  EXPECT_EQ(cycle->front(), cycle->back());
  for (std::size_t i = 0; i + 1 < cycle->size(); ++i) {
    ASSERT_TRUE(dag.has_edge((*cycle)[i], (*cycle)[i + 1])) << i;
  }
  auto order = dag.topological_order();
  ASSERT_FALSE(order.is_ok());
  EXPECT_EQ(order.error().code(), ErrorCode::kCycle);
  EXPECT_EQ(order.error().message().rfind("Cycle detected: " + cycle->front() + " -> ", 0), 0u);
}

TEST(DagScaleTest, RandomDag) {
  std::mt19937 rng(42);
  // Edges go from lower to higher rank in a hidden permutation (acyclic);
  // nodes are inserted in another random order.
  std::vector<int> rank(kNodes);
  for (int i = 0; i < kNodes; ++i) {
    rank[i] = i;
  }
  std::shuffle(rank.begin(), rank.end(), rng);
  std::vector<int> insertion = rank;
  std::shuffle(insertion.begin(), insertion.end(), rng);

  Dag dag;
  for (int i : insertion) {
    ASSERT_TRUE(dag.add_node(id(i)).is_ok());
  }
  std::uniform_int_distribution<int> any(0, kNodes - 1);
  for (int k = 0; k < 3 * kNodes; ++k) {
    const int a = any(rng);
    const int b = any(rng);
    if (rank[a] == rank[b]) continue;
    const auto [from, to] = rank[a] < rank[b] ? std::pair(a, b) : std::pair(b, a);
    Status added = dag.add_edge(id(from), id(to));
    ASSERT_TRUE(added.is_ok() || added.error().code() == ErrorCode::kAlreadyExists);
  }
  ASSERT_GT(dag.edge_count(), static_cast<std::size_t>(2 * kNodes));

  auto order = dag.topological_indices();
  ASSERT_TRUE(order.is_ok()) << order.error().to_string();
  expect_valid_order(dag, order.value());
  EXPECT_EQ(order.value(), dag.topological_indices().value());  // deterministic
  EXPECT_FALSE(dag.find_cycle().has_value());

  // Levels: each edge climbs, and each non-root sits exactly one above its
  // highest predecessor (the longest path, not just any path).
  auto layers = dag.layers();
  ASSERT_TRUE(layers.is_ok());
  std::vector<std::size_t> level(dag.index_bound());
  std::size_t listed = 0;
  for (std::size_t l = 0; l < layers.value().size(); ++l) {
    for (const std::string& node : layers.value()[l]) {
      level[dag.index_of(node).value()] = l;
    }
    listed += layers.value()[l].size();
  }
  EXPECT_EQ(listed, dag.node_count());
  for (Dag::NodeIndex v : order.value()) {
    std::size_t highest_pred_plus_one = 0;
    for (Dag::NodeIndex u : dag.predecessor_indices(v)) {
      highest_pred_plus_one = std::max(highest_pred_plus_one, level[u] + 1);
    }
    ASSERT_EQ(level[v], highest_pred_plus_one) << dag.id_of(v);
  }

  // Removing a tenth of the nodes leaves a valid order over the rest.
  for (int i = 0; i < kNodes; i += 10) {
    ASSERT_TRUE(dag.remove_node(id(i)).is_ok());
  }
  auto after = dag.topological_indices();
  ASSERT_TRUE(after.is_ok());
  expect_valid_order(dag, after.value());
}

}  // namespace
}  // namespace core
