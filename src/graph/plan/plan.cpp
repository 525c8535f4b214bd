#include "graph/plan/plan.h"

#include <algorithm>

#include "core/dag/dag.h"
#include "graph/graph_error.h"

namespace graph {

size_t ExecutionPlan::max_parallelism() const {
  size_t most = 0;
  for (const auto& layer : layers)
    most = std::max(most, layer.size());
  return most;
}

core::Result<ExecutionPlan> make_plan(const GraphSpec& spec) {
  core::Dag dag;
  for (const NodeSpec& node : spec.nodes) {
    if (core::Status s = dag.add_node(node.id); !s.is_ok()) {
      core::Error e = graph_error(GraphErrorCode::kValidation, s.error().message());
      return e.with_file(node.pos.file, node.pos.line, node.pos.column).with_node(node.id);
    }
  }
  for (const EdgeSpec& edge : spec.edges) {
    if (core::Status s = dag.add_edge(edge.from, edge.to); !s.is_ok()) {
      core::Error e = graph_error(GraphErrorCode::kValidation, s.error().message());
      return e.with_file(edge.pos.file, edge.pos.line, edge.pos.column);
    }
  }
  auto layers = dag.layers();
  if (!layers.is_ok()) {
    core::Error e = graph_error(GraphErrorCode::kValidation, layers.error().message());
    return e.with_file(spec.file).with_suggestion("remove one of the edges on the cycle");
  }
  return ExecutionPlan{std::move(layers).value()};
}

std::string describe_plan(const GraphSpec& spec, const ExecutionPlan& plan) {
  std::string out = "graph";
  if (!spec.name.empty()) out += " '" + spec.name + "'";
  if (!spec.file.empty()) out += " (" + spec.file + ")";
  out += ": " + std::to_string(spec.nodes.size()) + " nodes, " +
         std::to_string(plan.layers.size()) + " layers, up to " +
         std::to_string(plan.max_parallelism()) + " in parallel\n";
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    out += "layer " + std::to_string(i + 1);
    if (plan.layers[i].size() > 1) out += " (parallel)";
    out += ":";
    for (size_t j = 0; j < plan.layers[i].size(); ++j) {
      const std::string& id = plan.layers[i][j];
      out += (j == 0 ? " " : ", ") + id;
      if (const NodeSpec* node = spec.find(id)) {
        out += " (" + std::string(node_kind_name(node->kind)) + ")";
      }
    }
    out += "\n";
  }
  if (!spec.edges.empty()) {
    out += "edges:\n";
    for (const EdgeSpec& edge : spec.edges) {
      out += "  " + edge.from + " -> " + edge.to;
      if (edge.rule) out += " [when " + edge.rule->text + "]";
      out += "\n";
    }
  }
  return out;
}

}  // namespace graph
