// graph/plan/render.h: a graph as a picture, for `lgraph visualize`.
//
// Three formats: `ascii` (the plan's layers with arrows, for a terminal),
// `dot` (Graphviz) and `mermaid` (renders in Markdown on most forges). Edge
// rules become edge labels; node labels name the node kind. Ids are quoted
// or escaped as each format requires, so any id is safe to render.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "graph/model/graph_spec.h"
#include "graph/plan/plan.h"

namespace graph {

enum class RenderFormat { kAscii, kDot, kMermaid };

// "ascii", "dot" or "mermaid"; nullopt for anything else.
std::optional<RenderFormat> render_format_from_name(std::string_view name);

std::string render_graph(const GraphSpec& spec, const ExecutionPlan& plan, RenderFormat format);

}  // namespace graph
