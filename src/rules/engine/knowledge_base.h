// rules/engine/knowledge_base.h: a rule set compiled for sessions.
//
// Built once from a parsed GRL file and then shared, read-only, by any number
// of concurrent sessions (session.h): the rules in agenda order (salience,
// highest first, then declaration order) and each rule's read set: what its
// condition reads, per field where the condition names one ("Order.Total")
// and whole facts otherwise ("Order"), so that a change re-evaluates only the
// rules that read what changed.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "rules/engine/flat_conditions.h"
#include "rules/grl/rule_set.h"

namespace rules::engine {

class KnowledgeBase {
 public:
  // Checks what can be checked before any fact exists: every Retract names a
  // rule of the set (when its argument is a string literal).
  static core::Result<std::shared_ptr<const KnowledgeBase>> build(grl::RuleSet rules);

  const std::vector<grl::Rule>& rules() const { return set_.rules; }
  const std::string& file() const { return set_.file; }
  // Rule indexes, highest salience first, ties in declaration order.
  const std::vector<size_t>& agenda_order() const { return order_; }
  // Calls `f(rule index)` for every rule whose condition reads what the
  // change `path` touched: "Order.Total" (an assignment to that field or below
  // it) touches readers of "Order.Total" and of all of "Order"; "Order" (Update,
  // Changed) touches every reader of Order.
  template <typename F>
  void for_each_reader(const std::string& path, F&& f) const {
    std::string fact = path.substr(0, path.find('.'));
    auto it = readers_.find(fact);
    if (it == readers_.end()) return;
    for (const auto& [read, rule] : it->second) {
      if (path == fact || read == fact || read == path) f(rule);
    }
  }
  // The index of the rule called `name`, or -1.
  long find_rule(const std::string& name) const;
  // Every fact any expression of the rules reads or any assignment writes,
  // sorted: what a caller must provide (a graph's RuleNode takes these keys
  // from its Context).
  const std::vector<std::string>& facts_used() const { return facts_used_; }
  // The facts assignments write, sorted: all a run can change.
  const std::vector<std::string>& facts_assigned() const { return facts_assigned_; }
  // The conditions that are only field tests, for fast matching.
  const FlatConditions& flat_conditions() const { return flat_; }

 private:
  explicit KnowledgeBase(grl::RuleSet rules);

  grl::RuleSet set_;
  std::vector<size_t> order_;
  // fact -> (what a condition reads of it, the rule)
  std::map<std::string, std::vector<std::pair<std::string, size_t>>, std::less<>> readers_;
  std::map<std::string, size_t, std::less<>> by_name_;
  std::vector<std::string> facts_used_;
  std::vector<std::string> facts_assigned_;
  FlatConditions flat_;
};

}  // namespace rules::engine
