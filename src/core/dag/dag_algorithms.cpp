// core/dag/dag_algorithms.cpp: orderings, cycles, layers and traversals over
// the dense form of a Dag. Everything here is iterative with explicit stacks
// and queues, so depth is bounded by memory, not by the thread's stack.
#include "core/dag/dag.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>

namespace core {
namespace {

// A depth-first search's position: a node and the next of its out-edges to try.
struct Frame {
  Dag::NodeIndex node;
  std::size_t next_edge;
};

Error cycle_error(const std::vector<std::string>& path) {
  std::string message = "Cycle detected: ";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) message += " -> ";
    message += path[i];
  }
  return Error(ErrorCode::kCycle, std::move(message));
}

}  // namespace

Result<std::vector<Dag::NodeIndex>> Dag::topological_indices() const {
  std::vector<std::size_t> waiting_on(slots_.size());  // predecessors not yet emitted
  // Indices ascend in insertion order, so a min-heap of indices yields the
  // earliest-inserted ready node first.
  std::priority_queue<NodeIndex, std::vector<NodeIndex>, std::greater<>> ready;
  for (NodeIndex i = 0; i < slots_.size(); ++i) {
    if (!is_live(i)) continue;
    waiting_on[i] = slots_[i].in.size();
    if (waiting_on[i] == 0) ready.push(i);
  }
  std::vector<NodeIndex> order;
  order.reserve(index_.size());
  while (!ready.empty()) {
    const NodeIndex next = ready.top();
    ready.pop();
    order.push_back(next);
    for (NodeIndex succ : slots_[next].out) {
      if (--waiting_on[succ] == 0) ready.push(succ);
    }
  }
  if (order.size() < index_.size()) {
    // Nodes on a cycle never become ready, so a cycle exists and the search
    // finds it; value() would throw rather than misbehave if it did not.
    std::vector<NodeIndex> cycle = find_cycle_indices().value();
    cycle.push_back(cycle.front());
    return cycle_error(ids_of(cycle));
  }
  return order;
}

Result<std::vector<std::string>> Dag::topological_order() const {
  auto order = topological_indices();
  if (!order) return order.error();
  return ids_of(order.value());
}

std::optional<std::vector<Dag::NodeIndex>> Dag::find_cycle_indices() const {
  enum class Mark : std::uint8_t { kUnseen, kOnPath, kDone };
  std::vector<Mark> mark(slots_.size(), Mark::kUnseen);
  std::vector<Frame> path;
  for (NodeIndex root = 0; root < slots_.size(); ++root) {
    if (!is_live(root) || mark[root] != Mark::kUnseen) continue;
    mark[root] = Mark::kOnPath;
    path.push_back({root, 0});
    while (!path.empty()) {
      Frame& top = path.back();
      const std::vector<NodeIndex>& out = slots_[top.node].out;
      if (top.next_edge == out.size()) {
        mark[top.node] = Mark::kDone;
        path.pop_back();
        continue;
      }
      const NodeIndex succ = out[top.next_edge++];
      if (mark[succ] == Mark::kOnPath) {
        // An edge back into the current path closes a cycle: the path from
        // `succ` to the top. Start it at its earliest-inserted node so the
        // report does not depend on where the search happened to enter it.
        auto entry = std::find_if(path.begin(), path.end(),
                                  [succ](const Frame& f) { return f.node == succ; });
        std::vector<NodeIndex> cycle;
        for (auto it = entry; it != path.end(); ++it) {
          cycle.push_back(it->node);
        }
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        return cycle;
      }
      if (mark[succ] == Mark::kUnseen) {
        mark[succ] = Mark::kOnPath;
        path.push_back({succ, 0});  // invalidates `top`, which is not used again
      }
    }
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> Dag::find_cycle() const {
  auto cycle = find_cycle_indices();
  if (!cycle) return std::nullopt;
  cycle->push_back(cycle->front());
  return ids_of(*cycle);
}

Result<std::vector<std::vector<std::string>>> Dag::layers() const {
  auto order = topological_indices();
  if (!order) return order.error();
  // In topological order every predecessor's level is final before its
  // successors read it, so one pass computes longest-path levels.
  std::vector<std::size_t> level(slots_.size(), 0);
  std::size_t depth = 0;
  for (NodeIndex node : order.value()) {
    depth = std::max(depth, level[node] + 1);
    for (NodeIndex succ : slots_[node].out) {
      level[succ] = std::max(level[succ], level[node] + 1);
    }
  }
  std::vector<std::vector<std::string>> result(depth);
  // Filling by index, not by topological position, keeps each level in
  // insertion order.
  for (NodeIndex i = 0; i < slots_.size(); ++i) {
    if (is_live(i)) result[level[i]].push_back(slots_[i].id);
  }
  return result;
}

Result<bool> Dag::reachable(std::string_view from, std::string_view to) const {
  auto source = lookup(from);
  if (!source) return source.error();
  auto target = lookup(to);
  if (!target) return target.error();
  if (source.value() == target.value()) return true;
  std::vector<bool> seen(slots_.size(), false);
  std::vector<NodeIndex> pending{source.value()};
  seen[source.value()] = true;
  while (!pending.empty()) {
    const NodeIndex node = pending.back();
    pending.pop_back();
    for (NodeIndex succ : slots_[node].out) {
      if (succ == target.value()) return true;
      if (!seen[succ]) {
        seen[succ] = true;
        pending.push_back(succ);
      }
    }
  }
  return false;
}

Status Dag::dfs(std::string_view start, const Visitor& visit) const {
  auto root = lookup(start);
  if (!root) return root.status();
  // Frames resume a node's edges where they left off, which gives exactly the
  // preorder of the recursive search without its stack depth.
  std::vector<bool> seen(slots_.size(), false);
  seen[root.value()] = true;
  if (!visit(slots_[root.value()].id)) return Status::ok();
  std::vector<Frame> path{{root.value(), 0}};
  while (!path.empty()) {
    Frame& top = path.back();
    const std::vector<NodeIndex>& out = slots_[top.node].out;
    if (top.next_edge == out.size()) {
      path.pop_back();
      continue;
    }
    const NodeIndex succ = out[top.next_edge++];
    if (seen[succ]) continue;
    seen[succ] = true;
    if (!visit(slots_[succ].id)) return Status::ok();
    path.push_back({succ, 0});  // invalidates `top`, which is not used again
  }
  return Status::ok();
}

Status Dag::bfs(std::string_view start, const Visitor& visit) const {
  auto root = lookup(start);
  if (!root) return root.status();
  std::vector<bool> seen(slots_.size(), false);
  // A vector with a read cursor: every node enters once, so nothing is
  // gained by a deque's reuse of space.
  std::vector<NodeIndex> queue{root.value()};
  seen[root.value()] = true;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const NodeIndex node = queue[head];
    if (!visit(slots_[node].id)) return Status::ok();
    for (NodeIndex succ : slots_[node].out) {
      if (!seen[succ]) {
        seen[succ] = true;
        queue.push_back(succ);
      }
    }
  }
  return Status::ok();
}

}  // namespace core
