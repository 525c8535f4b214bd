// graph/model/validate.h: the structural rules a graph must satisfy.
//
// The loader checks each field as it reads it; what needs the whole graph is
// checked here, once per graph (each subgraph is a graph of its own, with its
// own ids). A GraphSpec built in code can be checked the same way.
//
// Rules, all E006, checked in this order:
//   1. the graph has at least one node;
//   2. node ids are unique;
//   3. references: each edge's `from` and `to` name nodes, no edge is given
//      twice, a ConditionalNode's `on_true`/`on_false` ids are its direct
//      successors and appear in only one of the two, a RetryNode's `node` names
//      another node, which has no edges and no other RetryNode; of all the
//      broken references, the first in the file (by line, then column) is
//      reported;
//   4. no cycles: a self-loop first, else the first cycle a depth-first
//      search meets, as "Cycle detected: a -> b -> c -> a";
//   5. no two nodes that may run at the same time write the same Context key
//      (write_conflicts.h).
#pragma once

#include "core/error.h"
#include "graph/model/graph_spec.h"

namespace graph {

core::Status validate_graph(const GraphSpec& spec);

}  // namespace graph
