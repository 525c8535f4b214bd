#include "graph/model/graph_spec.h"

namespace graph {

std::string_view node_kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::kRule:
      return "RuleNode";
    case NodeKind::kDb:
      return "DBNode";
    case NodeKind::kConditional:
      return "ConditionalNode";
    case NodeKind::kSubgraph:
      return "SubgraphNode";
    case NodeKind::kLoop:
      return "LoopNode";
    case NodeKind::kTryCatch:
      return "TryCatchNode";
    case NodeKind::kRetry:
      return "RetryNode";
    case NodeKind::kCircuitBreaker:
      return "CircuitBreakerNode";
    case NodeKind::kAi:
      return "AINode";
    case NodeKind::kGrpc:
      return "GrpcNode";
  }
  return "";
}

std::optional<NodeKind> node_kind_from_name(std::string_view name) {
  for (NodeKind kind : kAllNodeKinds) {
    if (node_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

const NodeSpec* GraphSpec::find(std::string_view id) const {
  if (!index_.empty()) {
    auto it = index_.find(id);
    if (it == index_.end()) return nullptr;
    if (it->second < nodes.size() && nodes[it->second].id == id) return &nodes[it->second];
  }
  for (const NodeSpec& node : nodes) {
    if (node.id == id) return &node;
  }
  return nullptr;
}

void GraphSpec::index_nodes() {
  index_.clear();
  index_.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    index_.emplace(nodes[i].id, i);
}

}  // namespace graph
