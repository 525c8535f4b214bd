#include "graph/run/run_result.h"

#include <algorithm>
#include <cstdio>

namespace graph {

const char* node_status_name(NodeStatus status) {
  switch (status) {
    case NodeStatus::kNotRun:
      return "not_run";
    case NodeStatus::kExecuted:
      return "executed";
    case NodeStatus::kSkipped:
      return "skipped";
    case NodeStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

RunResult::RunResult(GraphRef spec, core::Pooled<Context> context)
    : spec_(std::move(spec)), pooled_(std::move(context)) {}

RunResult::RunResult(GraphRef spec, std::unique_ptr<Context> context)
    : spec_(std::move(spec)), owned_(std::move(context)) {}

size_t RunResult::count(NodeStatus status) const {
  return static_cast<size_t>(std::count_if(
      nodes.begin(), nodes.end(), [status](const NodeStats& n) { return n.status == status; }));
}

size_t RunResult::cache_hits() const {
  return static_cast<size_t>(
      std::count_if(nodes.begin(), nodes.end(), [](const NodeStats& n) { return n.cache_hit; }));
}

std::string RunResult::summary() const {
  char time[32];
  std::snprintf(time, sizeof time, "%.1f us", static_cast<double>(duration.count()) / 1000.0);
  const size_t hits = cache_hits();
  return std::to_string(nodes.size()) + " nodes: " + std::to_string(count(NodeStatus::kExecuted)) +
         " executed" + (hits ? " (" + std::to_string(hits) + " from cache)" : "") + ", " +
         std::to_string(count(NodeStatus::kSkipped)) + " skipped, " +
         std::to_string(count(NodeStatus::kFailed)) + " failed in " + time;
}

}  // namespace graph
