// graph/run/run_result.h: what a graph run leaves behind.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/context.h"

namespace graph {

enum class NodeStatus : uint8_t {
  kNotRun,    // the run stopped (failure, timeout) before the node was decided
  kExecuted,  // ran and succeeded
  kSkipped,   // none of its incoming edges was taken
  kFailed,    // ran and failed (the run goes on only under on_error: continue)
};

// "not_run", "executed", "skipped", "failed".
const char* node_status_name(NodeStatus status);

struct NodeStats {
  std::string id;
  NodeStatus status = NodeStatus::kNotRun;
  // When the node started and how long it ran, from the start of the run;
  // zero for nodes that did not run.
  std::chrono::nanoseconds started{0};
  std::chrono::nanoseconds duration{0};
};

struct RunResult {
  Json context;                  // the final Context, keys in first-set order
  std::vector<NodeStats> nodes;  // in declaration order
  std::chrono::nanoseconds duration{0};

  size_t count(NodeStatus status) const;
  // "6 nodes: 4 executed, 2 skipped, 0 failed in 35.2 us"
  std::string summary() const;
};

}  // namespace graph
