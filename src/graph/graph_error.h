// graph/graph_error.h: the Logic Graph engine's error codes.
//
// Engine errors are core::Error values tagged with a stable code that users
// can look up in docs/errors.md, with the graph file, line, column and node id
// where known, and a suggestion where one helps:
//
//   [E006] graph.yaml:12:5: node 'approve': Cycle detected: a -> b -> a
//     suggestion: remove one of the edges on the cycle
//
// The codes (stable: new ones are added, none renumbered):
//   E001 node execution    a node failed while running
//   E003 rule/expression   an expression does not parse, or fails to evaluate
//   E004 configuration     a node or graph field is missing or of the wrong type
//   E005 timeout           a node or a run took longer than allowed
//   E006 graph validation  cycles, dangling edges, unknown node kinds, duplicate ids
//   E007 serialization     malformed YAML/JSON, unreadable file
//   E010 context           a Context key is missing or holds the wrong type
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace graph {

enum class GraphErrorCode {
  kNodeExecution,  // E001
  kExpression,     // E003
  kConfiguration,  // E004
  kTimeout,        // E005
  kValidation,     // E006
  kSerialization,  // E007
  kContext,        // E010
};

// "E001", "E003", ...
const char* graph_error_tag(GraphErrorCode code);

// A core::Error tagged with `code`'s E-number, and a core code to match.
core::Error graph_error(GraphErrorCode code, std::string message);

}  // namespace graph
