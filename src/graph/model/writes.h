// graph/model/writes.h: which Context keys running a node may write.
//
// A run's result is only deterministic if no two nodes that may run at the
// same time write the same key (validate.h rejects graphs where they can),
// and a guarded body (TryCatchNode, RetryNode, CircuitBreakerNode) hands its
// named keys back to the parent's Context. Both need the keys a node may
// write, known before anything runs:
//   every node        <id>_result, <id>_error
//   RuleNode          its `set` keys, or the facts its GRL rules assign to
//   SubgraphNode      its output_mapping targets (parent keys)
//   TryCatchNode      the keys its try and catch bodies pass out
//   RetryNode         the keys its body passes out (a retried `node:` writes its own)
//   CircuitBreaker    the keys its body passes out
// A body passes out the keys its nodes name (`set` keys, output_mapping
// targets, and what nested bodies pass out), not its nodes' `<id>_result`s:
// one body file may then guard two parallel calls without their results
// colliding. A LoopNode's body writes stay in the body's Contexts.
#pragma once

#include <string>
#include <vector>

#include "graph/model/graph_spec.h"

namespace graph {

// Appends the keys running `node` may write (duplicates possible).
void add_node_writes(const NodeSpec& node, std::vector<std::string>& out);

// The keys `body` passes out to the node that runs it, sorted and unique.
std::vector<std::string> keys_passed_out(const GraphSpec& body);

}  // namespace graph
