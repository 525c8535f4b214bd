#include "graph/model/write_conflicts.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/containers/append_unique.h"
#include "graph/graph_error.h"
#include "graph/model/writes.h"

namespace graph {
namespace {

// "node X runs only if decision D came out `positive`": D is a ConditionalNode
// (empty `rule`) or an edge rule from node `source`.
struct Guard {
  uint32_t source = 0;
  std::string_view rule;  // into the spec's edge rule text
  bool positive = true;

  auto operator<=>(const Guard&) const = default;
};
using Guards = std::vector<Guard>;  // sorted
// A node keeps at most this many guards. Dropping some only ever makes two
// nodes look less exclusive, which may report a conflict but never hides one;
// it bounds the work on long chains of rule edges.
constexpr size_t kMaxGuards = 16;
// Writers of one key beyond which not every pair is compared.
constexpr size_t kMaxPairwiseWriters = 2048;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Whether s is "( ... )" with the first parenthesis closed by the last.
bool wrapped(std::string_view s) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && --depth == 0) return i + 1 == s.size();
  }
  return false;
}

// Whether a leading `!`/`not` applies to all of `s`: `!` binds tighter than
// any binary operator, so `!a || b` negates only `a`. True for a fully
// parenthesised text or a plain path (`ok`, `order.items[0].paid`).
bool one_operand(std::string_view s) {
  if (wrapped(s)) return true;
  if (s.empty()) return false;
  for (char c : s) {
    const bool path_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '[' || c == ']';
    if (!path_char) return false;
  }
  return true;
}

// An edge rule as a guard: its text without outer parentheses and without the
// negations that apply to the whole of it.
Guard rule_guard(uint32_t source, std::string_view text) {
  bool positive = true;
  for (;;) {
    text = trim(text);
    std::string_view rest;
    if (!text.empty() && text.front() == '!' && text.substr(0, 2) != "!=") {
      rest = trim(text.substr(1));
    } else if (text.substr(0, 3) == "not" && text.size() > 3 &&
               (text[3] == ' ' || text[3] == '(')) {
      rest = trim(text.substr(3));
    } else if (wrapped(text)) {
      text = text.substr(1, text.size() - 2);
      continue;
    } else {
      break;
    }
    if (!one_operand(rest)) break;
    text = rest;
    positive = !positive;
  }
  return Guard{source, text, positive};
}

bool exclusive(const Guards& a, const Guards& b) {
  for (const Guard& g : a) {
    Guard opposite = g;
    opposite.positive = !g.positive;
    if (std::binary_search(b.begin(), b.end(), opposite)) return true;
  }
  return false;
}

class ConflictCheck {
 public:
  ConflictCheck(const GraphSpec& spec, const core::Dag& dag) : spec_(spec), dag_(dag) {}

  core::Status run() {
    const auto conflicts = shared_keys();
    if (conflicts.empty()) return core::Status();  // the usual case: nothing more to do
    prepare();
    for (const auto& [key, writers] : conflicts)
      check_key(key, writers);
    return first_ ? core::Status(*first_) : core::Status();
  }

 private:
  // The node that runs `i`: its RetryNode's, transitively, or itself.
  uint32_t runner_of(uint32_t i) const {
    for (;;) {
      auto it = retried_by_.find(i);
      if (it == retried_by_.end()) return i;
      i = it->second;
    }
  }

  // Keys with more than one writer, each with its writers in declaration order.
  std::map<std::string, std::vector<uint32_t>> shared_keys() {
    for (uint32_t i = 0; i < spec_.nodes.size(); ++i) {
      const auto* retry = std::get_if<RetryFields>(&spec_.nodes[i].fields);
      if (retry && retry->node) retried_by_[*dag_.index_of(retry->node->id)] = i;
    }
    std::unordered_map<std::string, std::vector<uint32_t>> writers;
    std::vector<std::string> keys;
    for (uint32_t i = 0; i < spec_.nodes.size(); ++i) {
      keys.clear();
      add_node_writes(spec_.nodes[i], keys);
      const uint32_t runner = runner_of(i);
      for (std::string& key : keys) {
        core::append_unique(writers[std::move(key)], runner);
      }
    }
    std::map<std::string, std::vector<uint32_t>> shared;
    for (auto& [key, w] : writers) {
      if (w.size() < 2) continue;
      std::sort(w.begin(), w.end());
      shared.emplace(key, std::move(w));
    }
    return shared;
  }

  // Topological positions, and each node's guards.
  void prepare() {
    const size_t n = spec_.nodes.size();
    for (const EdgeSpec& edge : spec_.edges) {
      if (edge.rule) {
        rule_of_.emplace(edge_key(*dag_.index_of(edge.from), *dag_.index_of(edge.to)), &*edge.rule);
      }
    }
    const std::vector<core::Dag::NodeIndex> order = dag_.topological_indices().value();
    position_.assign(n, 0);
    for (uint32_t i = 0; i < order.size(); ++i)
      position_[order[i]] = i;
    seen_.assign(n, 0);
    guards_.assign(n, {});
    for (core::Dag::NodeIndex node : order) {
      bool first_edge = true;
      Guards common;
      for (core::Dag::NodeIndex from : dag_.predecessor_indices(node)) {
        Guards via = guards_[from];
        if (std::optional<Guard> g = edge_guard(from, node)) {
          via.insert(std::upper_bound(via.begin(), via.end(), *g), *g);
        }
        if (first_edge) {
          common = std::move(via);
          first_edge = false;
        } else {
          Guards both;
          std::set_intersection(common.begin(), common.end(), via.begin(), via.end(),
                                std::back_inserter(both));
          common = std::move(both);
        }
      }
      if (common.size() > kMaxGuards) common.resize(kMaxGuards);
      guards_[node] = std::move(common);
    }
  }

  // Writers in topological order: if each reaches the next, all are ordered
  // (reachability is transitive), which costs k - 1 short walks. Otherwise
  // each writer is compared with every later one.
  void check_key(const std::string& key, std::vector<uint32_t> writers) {
    std::sort(writers.begin(), writers.end(),
              [this](uint32_t a, uint32_t b) { return position_[a] < position_[b]; });
    bool chain = true;
    for (size_t i = 0; chain && i + 1 < writers.size(); ++i) {
      mark_reachable(writers[i], position_[writers[i + 1]]);
      chain = seen_[writers[i + 1]] == stamp_;
    }
    if (chain) return;
    if (writers.size() > kMaxPairwiseWriters) {
      for (size_t i = 0; i + 1 < writers.size(); ++i) {
        mark_reachable(writers[i], position_[writers[i + 1]]);
        if (seen_[writers[i + 1]] != stamp_) {
          offer(key, writers[i], writers[i + 1]);  // without trying to prove exclusivity
          return;
        }
      }
    }
    for (size_t i = 0; i + 1 < writers.size(); ++i) {
      mark_reachable(writers[i], position_[writers.back()]);
      for (size_t j = i + 1; j < writers.size(); ++j) {
        if (seen_[writers[j]] == stamp_) continue;  // ordered
        if (!exclusive(guards_[writers[i]], guards_[writers[j]]))
          offer(key, writers[i], writers[j]);
      }
    }
  }

  // Stamps every node reachable from `from` whose position is at most
  // `max_position` (a later node cannot lead back to an earlier position).
  void mark_reachable(uint32_t from, uint32_t max_position) {
    ++stamp_;
    stack_.assign(1, from);
    seen_[from] = stamp_;
    while (!stack_.empty()) {
      const uint32_t at = stack_.back();
      stack_.pop_back();
      for (core::Dag::NodeIndex next : dag_.successor_indices(at)) {
        if (seen_[next] != stamp_ && position_[next] <= max_position) {
          seen_[next] = stamp_;
          stack_.push_back(next);
        }
      }
    }
  }

  // Keeps the conflict at the earliest-declared later node.
  void offer(const std::string& key, uint32_t a, uint32_t b) {
    if (a > b) std::swap(a, b);
    if (first_ && (first_b_ < b || (first_b_ == b && first_a_ <= a))) return;
    first_ = conflict(key, a, b);
    first_a_ = a;
    first_b_ = b;
  }

  // The decision the edge from -> to stands for, if any.
  std::optional<Guard> edge_guard(uint32_t from, uint32_t to) const {
    const NodeSpec& source = spec_.nodes[from];
    const std::string& target = spec_.nodes[to].id;
    if (const auto* c = std::get_if<ConditionalFields>(&source.fields)) {
      auto names = [&target](const std::vector<NodeRef>& refs) {
        return std::any_of(refs.begin(), refs.end(),
                           [&target](const NodeRef& r) { return r.id == target; });
      };
      if (names(c->on_true)) return Guard{from, "", true};
      if (names(c->on_false)) return Guard{from, "", false};
    }
    if (auto rule = rule_of_.find(edge_key(from, to)); rule != rule_of_.end()) {
      return rule_guard(from, rule->second->text);
    }
    return std::nullopt;
  }

  static uint64_t edge_key(uint32_t from, uint32_t to) { return uint64_t{from} << 32 | to; }

  core::Error conflict(const std::string& key, uint32_t a, uint32_t b) const {
    const NodeSpec& first = spec_.nodes[a];
    const NodeSpec& second = spec_.nodes[b];
    core::Error e = graph_error(GraphErrorCode::kValidation,
                                "nodes '" + first.id + "' and '" + second.id +
                                    "' may run at the same time and both write '" + key +
                                    "'; the result would depend on which finishes last");
    e.with_file(second.pos.file, second.pos.line, second.pos.column).with_node(second.id);
    return e.with_suggestion("order them with an edge {from: " + first.id + ", to: " + second.id +
                             "}, put them on opposite branches of a ConditionalNode, or "
                             "have them write different keys");
  }

  const GraphSpec& spec_;
  const core::Dag& dag_;
  std::unordered_map<uint32_t, uint32_t> retried_by_;  // node -> its RetryNode
  std::vector<uint32_t> position_;                     // in topological order
  std::vector<uint32_t> seen_;  // == stamp_: reached by the last mark_reachable
  uint32_t stamp_ = 0;
  std::vector<uint32_t> stack_;
  std::optional<core::Error> first_;
  uint32_t first_a_ = 0, first_b_ = 0;
  std::unordered_map<uint64_t, const ExprSource*> rule_of_;  // edge_key -> its rule
  std::vector<Guards> guards_;
};

}  // namespace

core::Status check_write_conflicts(const GraphSpec& spec, const core::Dag& dag) {
  return ConflictCheck(spec, dag).run();
}

}  // namespace graph
