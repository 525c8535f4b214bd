// core/dag/dag.cpp: building and querying the graph; the algorithms live in
// dag_algorithms.cpp.
#include "core/dag/dag.h"

#include <algorithm>
#include <limits>

namespace core {
namespace {

std::string quoted(std::string_view id) {
  return "'" + std::string(id) + "'";
}

std::string edge_name(std::string_view from, std::string_view to) {
  return "edge " + quoted(from) + " -> " + quoted(to);
}

// Removes `value` from `list` keeping the rest in order, so that listing order
// stays the order in which edges were added. The caller knows it is present.
void erase_one(std::vector<Dag::NodeIndex>& list, Dag::NodeIndex value) {
  list.erase(std::find(list.begin(), list.end(), value));
}

}  // namespace

Status Dag::add_node(std::string_view id) {
  if (id.empty()) return Error(ErrorCode::kInvalidArgument, "node id must not be empty");
  if (index_.find(id) != index_.end()) {
    return Error(ErrorCode::kAlreadyExists, "node " + quoted(id) + " already exists");
  }
  // Indices must fit NodeIndex; 4 billion nodes is far beyond any user, but
  // wrapping around would silently merge nodes.
  if (slots_.size() >= std::numeric_limits<NodeIndex>::max()) {
    return Error(ErrorCode::kCapacityExceeded, "cannot add node " + quoted(id) + ": graph is full");
  }
  // A new slot at the end, never a freed one: the index order is the
  // insertion order, which every algorithm uses as its tie-break.
  index_.emplace(std::string(id), static_cast<NodeIndex>(slots_.size()));
  slots_.push_back(Node{std::string(id), {}, {}});
  return Status::ok();
}

Status Dag::remove_node(std::string_view id) {
  auto it = index_.find(id);
  if (it == index_.end()) return Error(ErrorCode::kNotFound, "unknown node " + quoted(id));
  const NodeIndex removed = it->second;
  Node& node = slots_[removed];
  for (NodeIndex succ : node.out) {
    erase_one(slots_[succ].in, removed);
  }
  for (NodeIndex pred : node.in) {
    erase_one(slots_[pred].out, removed);
  }
  // Without self-loops no edge is in both lists, so none is counted twice.
  edge_count_ -= node.out.size() + node.in.size();
  node = Node{};  // frees the edge lists; the empty id marks the slot vacant
  index_.erase(it);
  // Reclaim vacant slots once they outnumber live ones: a graph with churn
  // (the layer store adds and garbage-collects layers for its whole life)
  // stays proportional to its live size, and since at least half the slots
  // must empty between two compactions, each removal pays O(1) amortized.
  if (slots_.size() > 2 * index_.size()) compact();
  return Status::ok();
}

Status Dag::add_edge(std::string_view from, std::string_view to) {
  auto ends = lookup_edge(from, to);
  if (!ends) return ends.status();
  const auto [f, t] = ends.value();
  if (f == t) return Error(ErrorCode::kInvalidArgument, edge_name(from, to) + " is a self-loop");
  if (contains_edge(f, t)) {
    return Error(ErrorCode::kAlreadyExists, edge_name(from, to) + " already exists");
  }
  slots_[f].out.push_back(t);
  slots_[t].in.push_back(f);
  ++edge_count_;
  return Status::ok();
}

Status Dag::remove_edge(std::string_view from, std::string_view to) {
  auto ends = lookup_edge(from, to);
  if (!ends) return ends.status();
  const auto [f, t] = ends.value();
  if (!contains_edge(f, t)) {
    return Error(ErrorCode::kNotFound, edge_name(from, to) + " does not exist");
  }
  erase_one(slots_[f].out, t);
  erase_one(slots_[t].in, f);
  --edge_count_;
  return Status::ok();
}

bool Dag::has_node(std::string_view id) const {
  return index_.find(id) != index_.end();
}

bool Dag::has_edge(std::string_view from, std::string_view to) const {
  auto ends = lookup_edge(from, to);
  return ends && contains_edge(ends.value().first, ends.value().second);
}

std::vector<std::string> Dag::nodes() const {
  std::vector<std::string> ids;
  ids.reserve(index_.size());
  for (const Node& node : slots_) {
    if (!node.id.empty()) ids.push_back(node.id);
  }
  return ids;
}

Result<std::vector<std::string>> Dag::successors(std::string_view id) const {
  auto index = lookup(id);
  if (!index) return index.error();
  return ids_of(slots_[index.value()].out);
}

Result<std::vector<std::string>> Dag::predecessors(std::string_view id) const {
  auto index = lookup(id);
  if (!index) return index.error();
  return ids_of(slots_[index.value()].in);
}

std::optional<Dag::NodeIndex> Dag::index_of(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::string_view Dag::id_of(NodeIndex index) const {
  return is_live(index) ? std::string_view(slots_[index].id) : std::string_view();
}

std::span<const Dag::NodeIndex> Dag::successor_indices(NodeIndex index) const {
  if (!is_live(index)) return {};
  return slots_[index].out;
}

std::span<const Dag::NodeIndex> Dag::predecessor_indices(NodeIndex index) const {
  if (!is_live(index)) return {};
  return slots_[index].in;
}

Result<Dag::NodeIndex> Dag::lookup(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return Error(ErrorCode::kNotFound, "unknown node " + quoted(id));
  return it->second;
}

Result<std::pair<Dag::NodeIndex, Dag::NodeIndex>> Dag::lookup_edge(std::string_view from,
                                                                   std::string_view to) const {
  auto f = index_.find(from);
  auto t = index_.find(to);
  if (f == index_.end() && t == index_.end()) {
    return Error(ErrorCode::kNotFound,
                 edge_name(from, to) + ": unknown nodes " + quoted(from) + " and " + quoted(to));
  }
  if (f == index_.end()) {
    return Error(ErrorCode::kNotFound,
                 edge_name(from, to) + ": unknown source node " + quoted(from));
  }
  if (t == index_.end()) {
    return Error(ErrorCode::kNotFound, edge_name(from, to) + ": unknown target node " + quoted(to));
  }
  return std::pair(f->second, t->second);
}

bool Dag::contains_edge(NodeIndex from, NodeIndex to) const {
  // Scan the shorter list: a hub with thousands of successors usually points
  // at nodes with few predecessors, and vice versa, so this stays cheap
  // without keeping a separate edge set in step with every mutation.
  const std::vector<NodeIndex>& out = slots_[from].out;
  const std::vector<NodeIndex>& in = slots_[to].in;
  if (out.size() <= in.size()) return std::find(out.begin(), out.end(), to) != out.end();
  return std::find(in.begin(), in.end(), from) != in.end();
}

std::vector<std::string> Dag::ids_of(std::span<const NodeIndex> indices) const {
  std::vector<std::string> ids;
  ids.reserve(indices.size());
  for (NodeIndex index : indices) {
    ids.push_back(slots_[index].id);
  }
  return ids;
}

void Dag::compact() {
  std::vector<NodeIndex> renumbered(slots_.size());
  NodeIndex next = 0;
  for (NodeIndex i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].id.empty()) renumbered[i] = next++;
  }
  // New indices never exceed old ones, so moving slots down in ascending order
  // never overwrites a slot that is still to be moved.
  for (NodeIndex i = 0; i < slots_.size(); ++i) {
    Node& node = slots_[i];
    if (node.id.empty()) continue;
    for (NodeIndex& succ : node.out) {
      succ = renumbered[succ];
    }
    for (NodeIndex& pred : node.in) {
      pred = renumbered[pred];
    }
    if (renumbered[i] != i) slots_[renumbered[i]] = std::move(node);
  }
  slots_.resize(next);
  for (auto& entry : index_) {
    entry.second = renumbered[entry.second];
  }
}

}  // namespace core
