// graph/model/write_conflicts.h: proving a graph's result does not depend on
// scheduling.
//
// Independent nodes run in parallel, so two of them writing the same Context
// key would leave whichever finished last. check_write_conflicts() rejects
// such a graph (E006, at the later-declared node, naming both nodes and the
// key) unless the two can never both run in one run:
//   - one is reachable from the other (the edge orders them), or
//   - they sit on opposite sides of one decision: the on_true and on_false
//     branches of a ConditionalNode, or edges from one node whose rules are
//     R and !R (also `not R`, `!(R)`), compared as written.
// A node named by a RetryNode's `node:` counts as its RetryNode, where it runs.
// The keys each node writes are model/writes.h's. Conflicts the rules above
// cannot rule out (two edge rules exclusive by arithmetic, say) are reported
// too: make the decision a ConditionalNode, or write different keys.
#pragma once

#include "core/dag/dag.h"
#include "core/error.h"
#include "graph/model/graph_spec.h"

namespace graph {

// `dag` holds spec's nodes in declaration order and its edges, and is acyclic.
core::Status check_write_conflicts(const GraphSpec& spec, const core::Dag& dag);

}  // namespace graph
