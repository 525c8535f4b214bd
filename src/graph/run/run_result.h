// graph/run/run_result.h: what a graph run leaves behind.
//
// A RunResult owns the run's final Context (when contexts are pooled, it goes
// back to its pool when the result is destroyed), so returning a result
// copies nothing; context_json() builds a JSON object on demand.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/memory/object_pool.h"
#include "graph/context.h"
#include "graph/model/graph_spec.h"

namespace graph {
class GraphRunner;
}

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
  std::string_view id;  // points into the graph's spec, which the result keeps alive
  NodeStatus status = NodeStatus::kNotRun;
  // When the node started and how long it ran, from the start of the run;
  // zero for nodes that did not run.
  std::chrono::nanoseconds started{0};
  std::chrono::nanoseconds duration{0};
  bool cache_hit = false;  // wrote its `cache:`d result instead of running
};

class RunResult {
 public:
  RunResult(GraphRef spec, core::Pooled<Context> context);
  RunResult(GraphRef spec, std::unique_ptr<Context> context);

  const Context& context() const { return pooled_ ? *pooled_ : *owned_; }
  // The final Context as one JSON object.
  Json context_json() const { return context().to_json(); }

  std::vector<NodeStats> nodes;  // in declaration order
  std::chrono::nanoseconds duration{0};

  size_t count(NodeStatus status) const;
  size_t cache_hits() const;
  // "6 nodes: 4 executed, 2 skipped, 0 failed in 35.2 us", and
  // " (1 from cache)" after "executed" when a `cache:` served any.
  std::string summary() const;

 private:
  friend class GraphRunner;  // fills the Context during the run
  Context& mutable_context() { return pooled_ ? *pooled_ : *owned_; }

  GraphRef spec_;
  core::Pooled<Context> pooled_;
  std::unique_ptr<Context> owned_;
};

}  // namespace graph
