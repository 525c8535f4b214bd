#include "graph/plan/render.h"

namespace graph {

namespace {

// A double-quoted Mermaid label: Mermaid takes the #quot; entity for '"'.
std::string mermaid_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A double-quoted DOT id or label: DOT takes backslash escapes.
std::string dot_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

std::string kind_of(const NodeSpec& node) {
  return std::string(node_kind_name(node.kind));
}

std::string render_dot(const GraphSpec& spec) {
  std::string out = "digraph " + dot_quoted(spec.name.empty() ? "graph" : spec.name) + " {\n";
  out += "  rankdir=LR;\n";
  for (const NodeSpec& node : spec.nodes) {
    out += "  " + dot_quoted(node.id) + " [label=" + dot_quoted(node.id + " : " + kind_of(node)) +
           "];\n";
  }
  for (const EdgeSpec& edge : spec.edges) {
    out += "  " + dot_quoted(edge.from) + " -> " + dot_quoted(edge.to);
    if (edge.rule) out += " [label=" + dot_quoted(edge.rule->text) + "]";
    out += ";\n";
  }
  return out + "}\n";
}

// Mermaid node names must be plain identifiers: number the nodes and put the
// real id in the label.
std::string render_mermaid(const GraphSpec& spec) {
  std::string out = "flowchart LR\n";
  auto name = [&spec](std::string_view id) {
    const NodeSpec* node = spec.find(id);  // a loaded spec has no dangling edge
    return "n" + std::to_string(node != nullptr ? node - spec.nodes.data() : -1);
  };
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& node = spec.nodes[i];
    out +=
        "  n" + std::to_string(i) + "[" + mermaid_quoted(node.id + " : " + kind_of(node)) + "]\n";
  }
  for (const EdgeSpec& edge : spec.edges) {
    out += "  " + name(edge.from) + " -->";
    if (edge.rule) out += "|" + mermaid_quoted(edge.rule->text) + "|";
    out += " " + name(edge.to) + "\n";
  }
  return out;
}

std::string render_ascii(const GraphSpec& spec, const ExecutionPlan& plan) {
  std::string out;
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    out += i == 0 ? "" : "   |\n   v\n";
    out += "[";
    for (size_t j = 0; j < plan.layers[i].size(); ++j) {
      const NodeSpec* node = spec.find(plan.layers[i][j]);
      out += (j == 0 ? " " : " | ") + plan.layers[i][j];
      if (node != nullptr) out += " (" + kind_of(*node) + ")";
    }
    out += " ]\n";
  }
  for (const EdgeSpec& edge : spec.edges) {
    out += edge.from + " --> " + edge.to;
    if (edge.rule) out += "  when " + edge.rule->text;
    out += "\n";
  }
  return out;
}

}  // namespace

std::optional<RenderFormat> render_format_from_name(std::string_view name) {
  if (name == "ascii") return RenderFormat::kAscii;
  if (name == "dot") return RenderFormat::kDot;
  if (name == "mermaid") return RenderFormat::kMermaid;
  return std::nullopt;
}

std::string render_graph(const GraphSpec& spec, const ExecutionPlan& plan, RenderFormat format) {
  switch (format) {
    case RenderFormat::kAscii:
      return render_ascii(spec, plan);
    case RenderFormat::kDot:
      return render_dot(spec);
    case RenderFormat::kMermaid:
      return render_mermaid(spec);
  }
  return {};
}

}  // namespace graph
