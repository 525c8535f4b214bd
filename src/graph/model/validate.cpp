#include "graph/model/validate.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/dag/dag.h"
#include "graph/graph_error.h"
#include "graph/model/suggest.h"
#include "graph/model/write_conflicts.h"

namespace graph {
namespace {

core::Error located(std::string message, const SourcePos& pos) {
  core::Error e = graph_error(GraphErrorCode::kValidation, std::move(message));
  e.with_file(pos.file, pos.line, pos.column);
  return e;
}

bool before(const SourcePos& a, const SourcePos& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

// Keeps the error found at the earliest position.
class FirstError {
 public:
  void offer(const SourcePos& pos, core::Error error) {
    if (!error_ || before(pos, pos_)) {
      error_.emplace(std::move(error));
      pos_ = pos;
    }
  }
  core::Status status() const { return error_ ? core::Status(*error_) : core::Status(); }

 private:
  std::optional<core::Error> error_;
  SourcePos pos_;
};

// "unknown node 'x'" with the closest id as a suggestion. Only the error
// path pays for collecting the ids.
core::Error unknown_node(const GraphSpec& spec, const std::string& what, const NodeRef& ref) {
  core::Error e = located(what + " unknown node '" + ref.id + "'", ref.pos);
  std::vector<std::string_view> ids;
  ids.reserve(spec.nodes.size());
  for (const NodeSpec& node : spec.nodes)
    ids.push_back(node.id);
  if (auto near = closest_name(ref.id, ids)) {
    e.with_suggestion("did you mean '" + std::string(*near) + "'?");
  }
  return e;
}

void check_edges(const GraphSpec& spec, core::Dag& dag, FirstError& first) {
  for (const EdgeSpec& edge : spec.edges) {
    bool from_known = dag.has_node(edge.from);
    bool to_known = dag.has_node(edge.to);
    if (!from_known || !to_known) {
      core::Error e = from_known ? unknown_node(spec, "edge to", NodeRef{edge.to, edge.pos})
                                 : unknown_node(spec, "edge from", NodeRef{edge.from, edge.pos});
      e.with_field(from_known ? "to" : "from");
      first.offer(edge.pos, std::move(e));
    } else if (edge.from != edge.to && dag.has_edge(edge.from, edge.to)) {
      core::Error e = located("duplicate edge " + edge.from + " -> " + edge.to, edge.pos);
      e.with_suggestion("give one edge a rule that combines both with ||");
      first.offer(edge.pos, std::move(e));
    } else if (edge.from != edge.to) {
      dag.add_edge(edge.from, edge.to).throw_if_error();  // both ends exist, not a duplicate
    }
  }
}

void check_branches(const GraphSpec& spec, const NodeSpec& node, const ConditionalFields& fields,
                    const core::Dag& dag, FirstError& first) {
  auto check = [&](const std::vector<NodeRef>& refs, const char* field,
                   const std::vector<NodeRef>& other) {
    for (const NodeRef& ref : refs) {
      std::optional<core::Error> e;
      if (!dag.has_node(ref.id)) {
        e.emplace(unknown_node(spec, std::string(field) + " names", ref));
      } else if (!dag.has_edge(node.id, ref.id)) {
        e.emplace(located("'" + ref.id + "' is not a successor of '" + node.id + "'", ref.pos));
        e->with_suggestion("add an edge {from: " + node.id + ", to: " + ref.id + "}");
      } else {
        for (const NodeRef& o : other) {
          if (o.id == ref.id) {
            e.emplace(located("'" + ref.id + "' is in both on_true and on_false", ref.pos));
            break;
          }
        }
      }
      if (e) {
        e->with_node(node.id).with_field(field);
        first.offer(ref.pos, std::move(*e));
      }
    }
  };
  check(fields.on_true, "on_true", {});
  check(fields.on_false, "on_false", fields.on_true);
}

// A node a RetryNode runs has no edges (the RetryNode's place in the graph
// is where it runs) and only one RetryNode.
std::optional<core::Error> check_retried(const GraphSpec& spec, const NodeSpec& retry,
                                         const NodeRef& ref,
                                         std::unordered_map<std::string, std::string>& retried) {
  if (auto [it, fresh] = retried.emplace(ref.id, retry.id); !fresh) {
    return located("'" + ref.id + "' is already retried by '" + it->second + "'", ref.pos);
  }
  for (const EdgeSpec& edge : spec.edges) {
    if (edge.from == ref.id || edge.to == ref.id) {
      core::Error e = located(
          "'" + ref.id + "' runs inside RetryNode '" + retry.id + "', so it cannot have edges",
          ref.pos);
      e.with_suggestion("put the edge {from: " + edge.from + ", to: " + edge.to + "} on '" +
                        retry.id + "' instead");
      return e;
    }
  }
  return std::nullopt;
}

// RetryNodes that name each other (a retries b, b retries a) would run each
// other for ever. The `node:` references form chains (each node is retried
// at most once), walked once each: O(nodes).
void check_retry_cycles(const GraphSpec& spec, FirstError& first) {
  auto retried_by = [&spec](const NodeSpec& node) -> const NodeSpec* {
    const auto* r = std::get_if<RetryFields>(&node.fields);
    return r && r->node ? spec.find(r->node->id) : nullptr;
  };
  enum : uint8_t { kUnseen, kOnPath, kDone };
  std::vector<uint8_t> state(spec.nodes.size(), kUnseen);
  auto index = [&spec](const NodeSpec* node) {
    return static_cast<size_t>(node - spec.nodes.data());
  };
  for (const NodeSpec& start : spec.nodes) {
    std::vector<const NodeSpec*> path;
    for (const NodeSpec* at = &start; at != nullptr && state[index(at)] != kDone;
         at = retried_by(*at)) {
      if (state[index(at)] == kOnPath) {
        std::string message = "RetryNodes retry each other: ";
        auto from = std::find(path.begin(), path.end(), at);
        for (auto it = from; it != path.end(); ++it)
          message += (*it)->id + " -> ";
        message += at->id;
        const auto& ref = *std::get<RetryFields>((*from)->fields).node;
        core::Error e = located(std::move(message), ref.pos);
        e.with_node((*from)->id).with_field("node");
        first.offer(ref.pos, std::move(e));
        break;
      }
      state[index(at)] = kOnPath;
      path.push_back(at);
    }
    for (const NodeSpec* node : path)
      state[index(node)] = kDone;
  }
}

void check_node_refs(const GraphSpec& spec, const core::Dag& dag, FirstError& first) {
  std::unordered_map<std::string, std::string> retried;  // node -> its RetryNode
  for (const NodeSpec& node : spec.nodes) {
    if (const auto* c = std::get_if<ConditionalFields>(&node.fields)) {
      check_branches(spec, node, *c, dag, first);
    } else if (const auto* r = std::get_if<RetryFields>(&node.fields); r && r->node) {
      std::optional<core::Error> e;
      if (!dag.has_node(r->node->id)) {
        e.emplace(unknown_node(spec, "retries", *r->node));
      } else if (r->node->id == node.id) {
        e.emplace(located("a RetryNode cannot retry itself", r->node->pos));
      } else {
        e = check_retried(spec, node, *r->node, retried);
      }
      if (e) {
        e->with_node(node.id).with_field("node");
        first.offer(r->node->pos, std::move(*e));
      }
    }
  }
  check_retry_cycles(spec, first);
}

const EdgeSpec* find_edge(const GraphSpec& spec, const std::string& from, const std::string& to) {
  for (const EdgeSpec& edge : spec.edges) {
    if (edge.from == from && edge.to == to) return &edge;
  }
  return nullptr;
}

core::Status check_cycles(const GraphSpec& spec, const core::Dag& dag) {
  std::vector<std::string> path;
  for (const EdgeSpec& edge : spec.edges) {
    if (edge.from == edge.to) {
      path = {edge.from, edge.to};
      break;
    }
  }
  if (path.empty()) {
    auto cycle = dag.find_cycle();
    if (!cycle) return core::Status();
    path = std::move(*cycle);
  }
  std::string message = "Cycle detected: ";
  for (size_t i = 0; i < path.size(); ++i)
    message += (i ? " -> " : "") + path[i];
  // Located at the edge that closes the cycle.
  const EdgeSpec* closing = find_edge(spec, path[path.size() - 2], path.back());
  core::Error e = located(std::move(message), closing ? closing->pos : spec.pos);
  e.with_node(path.front());
  e.with_suggestion("remove one of the edges on the cycle");
  return e;
}

}  // namespace

core::Status validate_graph(const GraphSpec& spec) {
  if (spec.nodes.empty()) {
    return located("graph has no nodes", spec.pos)
        .with_suggestion("declare at least one node under 'nodes:'");
  }
  core::Dag dag;
  for (const NodeSpec& node : spec.nodes) {
    if (dag.has_node(node.id)) {
      return located("duplicate node id '" + node.id + "'", node.pos).with_node(node.id);
    }
    if (!dag.add_node(node.id).is_ok()) {
      return located("invalid node id '" + node.id + "'", node.pos).with_node(node.id);
    }
  }
  FirstError first;
  check_edges(spec, dag, first);
  check_node_refs(spec, dag, first);
  if (core::Status s = first.status(); !s.is_ok()) return s;
  if (core::Status s = check_cycles(spec, dag); !s.is_ok()) return s;
  return check_write_conflicts(spec, dag);
}

}  // namespace graph
