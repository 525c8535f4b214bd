// graph/plan/expressions.h: compiling the expressions a GraphSpec holds.
//
// The loader keeps expressions as text with the file position of their first
// character (graph/model/graph_spec.h); these functions parse them with
// graph::Expression and turn the parser's column into a file line:column, so
// an error reads "[E003] flow.yaml:7:22: node 'approve': field 'condition':
// expected an operand ...".
#pragma once

#include <string_view>

#include "core/error.h"
#include "graph/model/graph_spec.h"
#include "rules/expr/expression.h"

namespace graph {

using rules::Expression;

// Parses the expression written at `source.pos`, in field `field` of node
// `node_id` (empty for an edge rule), with the error placed in the file.
core::Result<Expression> compile_expression(const ExprSource& source, std::string_view node_id,
                                            std::string_view field);

// Parses every expression of `spec` and of its subgraphs (node conditions,
// `set` values, loop `while`, edge rules) and returns the first error in
// document order, or OK.
core::Status check_expressions(const GraphSpec& spec);

}  // namespace graph
