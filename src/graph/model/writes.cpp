#include "graph/model/writes.h"

#include <algorithm>

namespace graph {
namespace {

void add_named_keys(const NodeSpec& node, std::vector<std::string>& out);

void add_body_keys(const GraphRef& body, std::vector<std::string>& out) {
  if (!body) return;
  for (const NodeSpec& node : body->nodes)
    add_named_keys(node, out);
}

// The keys a node writes by name (not its <id>_result and <id>_error).
void add_named_keys(const NodeSpec& node, std::vector<std::string>& out) {
  if (const auto* rule = std::get_if<RuleFields>(&node.fields)) {
    for (const auto& [key, expr] : rule->set)
      out.push_back(key);
  } else if (const auto* sub = std::get_if<SubgraphFields>(&node.fields)) {
    for (const auto& [child_key, parent_key] : sub->output_mapping)
      out.push_back(parent_key);
  } else if (const auto* tc = std::get_if<TryCatchFields>(&node.fields)) {
    add_body_keys(tc->try_body, out);
    add_body_keys(tc->catch_body, out);
  } else if (const auto* retry = std::get_if<RetryFields>(&node.fields)) {
    add_body_keys(retry->body, out);
  } else if (const auto* cb = std::get_if<CircuitBreakerFields>(&node.fields)) {
    add_body_keys(cb->body, out);
  }
}

}  // namespace

void add_node_writes(const NodeSpec& node, std::vector<std::string>& out) {
  out.push_back(node.id + "_result");
  out.push_back(node.id + "_error");
  add_named_keys(node, out);
}

std::vector<std::string> keys_passed_out(const GraphSpec& body) {
  std::vector<std::string> keys;
  for (const NodeSpec& node : body.nodes)
    add_named_keys(node, keys);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace graph
