#include "graph/model/writes.h"

#include <algorithm>
#include <unordered_map>

namespace graph {
namespace {

// Bodies are shared: a file named in several places is one GraphSpec. Each
// body's keys are collected once per query, or a file that names the next
// twice, many levels deep, would be walked exponentially often.
class NamedKeys {
 public:
  void add_node(const NodeSpec& node, std::vector<std::string>& out) {
    if (const auto* rule = std::get_if<RuleFields>(&node.fields)) {
      for (const auto& [key, expr] : rule->set)
        out.push_back(key);
      if (rule->rules) {
        const auto& facts = rule->rules->facts_assigned();
        out.insert(out.end(), facts.begin(), facts.end());
      }
    } else if (const auto* sub = std::get_if<SubgraphFields>(&node.fields)) {
      for (const auto& [child_key, parent_key] : sub->output_mapping)
        out.push_back(parent_key);
    } else if (const auto* tc = std::get_if<TryCatchFields>(&node.fields)) {
      add_body(tc->try_body, out);
      add_body(tc->catch_body, out);
    } else if (const auto* retry = std::get_if<RetryFields>(&node.fields)) {
      add_body(retry->body, out);
    } else if (const auto* cb = std::get_if<CircuitBreakerFields>(&node.fields)) {
      add_body(cb->body, out);
    }
  }

  // The keys `body` passes out, sorted and unique.
  const std::vector<std::string>& of_body(const GraphSpec& body) {
    if (auto it = done_.find(&body); it != done_.end()) return it->second;
    std::vector<std::string> keys;
    for (const NodeSpec& node : body.nodes)
      add_node(node, keys);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return done_.emplace(&body, std::move(keys)).first->second;
  }

 private:
  void add_body(const GraphRef& body, std::vector<std::string>& out) {
    if (!body) return;
    const std::vector<std::string>& keys = of_body(*body);
    out.insert(out.end(), keys.begin(), keys.end());
  }

  std::unordered_map<const GraphSpec*, std::vector<std::string>> done_;
};

}  // namespace

void add_node_writes(const NodeSpec& node, std::vector<std::string>& out) {
  out.push_back(node.id + "_result");
  out.push_back(node.id + "_error");
  NamedKeys().add_node(node, out);
}

std::vector<std::string> keys_passed_out(const GraphSpec& body) {
  return NamedKeys().of_body(body);
}

}  // namespace graph
