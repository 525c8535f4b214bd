// graph/plan/plan.h: what a graph will do, before it runs.
//
// The plan groups a graph's nodes into layers: a node's layer is the length
// of the longest path to it, so every node of a layer depends only on nodes
// of earlier layers and the nodes of one layer may run in parallel. This is
// what `lgraph dry-run` prints and what `lgraph visualize --format ascii`
// draws. Subgraphs are planned on their own, where they are used.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "graph/model/graph_spec.h"

namespace graph {

struct ExecutionPlan {
  // Node ids by layer; within a layer in declaration order.
  std::vector<std::vector<std::string>> layers;
  // The most nodes in one layer: how many may run at once.
  size_t max_parallelism() const;
};

// E006 with the cycle's path if the edges form one (a loaded spec has none).
core::Result<ExecutionPlan> make_plan(const GraphSpec& spec);

// The plan as text, e.g.
//   graph 'loan' (loan.yaml): 6 nodes, 3 layers, up to 3 in parallel
//   layer 1: applicant (RuleNode)
//   layer 2 (parallel): credit (DBNode), income (RuleNode)
//   ...
//   edges: applicant -> credit [when amount > 1000]
std::string describe_plan(const GraphSpec& spec, const ExecutionPlan& plan);

}  // namespace graph
