// core/dag/dag.h: a directed graph over string ids, and the algorithms on it.
//
// Both products order work by dependencies: the logic-graph engine runs the
// nodes of a graph loaded from YAML (up to ~100k of them), the OCI layer store
// relates layers to the layers they build on. A `Dag` holds nodes named by
// non-empty string ids and directed edges `from -> to` ("to depends on from",
// or whatever the caller means by it).
//
// Cycles. A self-loop is refused at add_edge, since it is always a mistake and
// costs nothing to see. Longer cycles are accepted while the graph is built,
// because checking each edge would cost O(V+E) per edge; the algorithms that
// need acyclicity (topological_order, layers) report kCycle instead, with the
// cycle's path in the message: "Cycle detected: a -> b -> c -> a".
//
// Determinism. Insertion order is the tie-break everywhere: nodes() lists
// nodes in the order they were added, successors and predecessors come in the
// order their edges were added, the topological order takes the
// earliest-inserted ready node first, and each layer lists its nodes in
// insertion order. A removed id may be added again; it then counts as new and
// goes to the end. So the same sequence of calls always gives the same answers.
//
// Dense form. Ids are mapped to dense indices (`NodeIndex`) and the algorithms
// run over vectors, not maps. Hot users (the parallel executor) may do the same:
// take topological_indices(), size their arrays by index_bound(), and walk
// successor_indices() without touching a string.
//
// Every bad input (unknown ids, duplicates, empty ids, self-loops) is reported
// as an error naming the ids; none is undefined behaviour. Traversals are
// iterative, so a 100k-node chain does not exhaust the stack.
//
// Not thread-safe: const calls may run concurrently with each other, but not
// with a call that modifies the graph.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"

namespace core {

class Dag {
 public:
  // A node's position in the dense form; see "Dense form" below.
  using NodeIndex = std::uint32_t;
  // Called with each node a traversal reaches; returning false stops it.
  // The visitor must not modify the graph it is walking.
  using Visitor = std::function<bool(std::string_view id)>;

  // ---- Building ----

  // kInvalidArgument for an empty id, kAlreadyExists for a present one,
  // kCapacityExceeded once 2^32 - 1 nodes have been added since the last
  // renumbering (indices are 32-bit).
  Status add_node(std::string_view id);
  // Removes the node and every edge into or out of it. kNotFound if absent.
  Status remove_node(std::string_view id);
  // kNotFound naming the unknown end(s), kInvalidArgument for a self-loop,
  // kAlreadyExists for an edge already present.
  Status add_edge(std::string_view from, std::string_view to);
  // kNotFound naming the unknown end, or the edge if both nodes exist.
  Status remove_edge(std::string_view from, std::string_view to);

  // ---- Queries ----

  bool has_node(std::string_view id) const;
  bool has_edge(std::string_view from, std::string_view to) const;
  std::size_t node_count() const { return index_.size(); }
  std::size_t edge_count() const { return edge_count_; }
  // All ids, in insertion order.
  std::vector<std::string> nodes() const;
  // Direct neighbours, in the order the edges were added. kNotFound if absent.
  Result<std::vector<std::string>> successors(std::string_view id) const;
  Result<std::vector<std::string>> predecessors(std::string_view id) const;

  // ---- Algorithms (dag_algorithms.cpp) ----

  // Every node after all of its predecessors; among nodes that are ready at
  // the same time, the earliest-inserted first (Kahn's algorithm with a
  // min-heap on insertion rank). kCycle naming the cycle find_cycle() returns.
  Result<std::vector<std::string>> topological_order() const;
  // A cycle as a path whose last element repeats the first, starting at its
  // earliest-inserted node, e.g. {"a", "b", "c", "a"}; nullopt if acyclic.
  // The cycle is the first one a depth-first search meets when it starts from
  // nodes in insertion order and follows edges in insertion order.
  std::optional<std::vector<std::string>> find_cycle() const;
  // Nodes grouped by level: a node's level is the length of the longest path
  // to it from a node without predecessors, so every edge goes from a lower
  // level to a higher one. Each level lists its nodes in insertion order.
  // kCycle as topological_order.
  Result<std::vector<std::vector<std::string>>> layers() const;
  // Whether a path leads from `from` to `to`. Every node reaches itself (by
  // the empty path), so reachable(v, u) answers "would u -> v close a cycle?"
  // for any u, v. kNotFound naming an unknown id.
  Result<bool> reachable(std::string_view from, std::string_view to) const;
  // Visit `start` and every node reachable from it once: dfs in depth-first
  // preorder, bfs in breadth-first order, both following edges in insertion
  // order. A visitor returning false ends the walk early, which is still OK.
  // kNotFound if `start` is absent.
  Status dfs(std::string_view start, const Visitor& visit) const;
  Status bfs(std::string_view start, const Visitor& visit) const;

  // ---- Dense form ----
  //
  // Live nodes have indices below index_bound(), ascending in insertion order.
  // Some indices below the bound may name no node (removed ones). Indices are
  // stable until the next remove_node, which may renumber the nodes to reclaim
  // the space of removed ones; add_node and the edge calls never renumber.
  // Index arguments naming no node give empty answers, never undefined
  // behaviour.

  std::optional<NodeIndex> index_of(std::string_view id) const;
  // The id at `index`, or an empty view if no node has that index.
  std::string_view id_of(NodeIndex index) const;
  std::size_t index_bound() const { return slots_.size(); }
  std::span<const NodeIndex> successor_indices(NodeIndex index) const;
  std::span<const NodeIndex> predecessor_indices(NodeIndex index) const;
  // topological_order() as indices.
  Result<std::vector<NodeIndex>> topological_indices() const;

 private:
  struct Node {
    std::string id;              // empty marks a removed node's slot
    std::vector<NodeIndex> out;  // successors, in the order the edges were added
    std::vector<NodeIndex> in;   // predecessors, likewise
  };

  // Lets the map be searched with a string_view without building a string.
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const noexcept {
      return std::hash<std::string_view>{}(id);
    }
  };

  bool is_live(NodeIndex index) const { return index < slots_.size() && !slots_[index].id.empty(); }
  // The index of `id`, or kNotFound "unknown node 'id'".
  Result<NodeIndex> lookup(std::string_view id) const;
  // Both ends of an edge, or kNotFound naming the unknown end(s).
  Result<std::pair<NodeIndex, NodeIndex>> lookup_edge(std::string_view from,
                                                      std::string_view to) const;
  bool contains_edge(NodeIndex from, NodeIndex to) const;
  std::vector<std::string> ids_of(std::span<const NodeIndex> indices) const;
  // Renumbers live nodes densely, keeping their order.
  void compact();
  // The cycle find_cycle() reports, without the repeated last element.
  std::optional<std::vector<NodeIndex>> find_cycle_indices() const;

  std::vector<Node> slots_;  // indexed by NodeIndex
  std::unordered_map<std::string, NodeIndex, IdHash, std::equal_to<>> index_;
  std::size_t edge_count_ = 0;
};

}  // namespace core
