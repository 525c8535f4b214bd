// rules/engine/knowledge_base.h: a rule set compiled for sessions.
//
// Built once from a parsed GRL file and then shared, read-only, by any number
// of concurrent sessions (session.h): the rules in agenda order (salience,
// highest first, then declaration order), each rule's read set (the facts its
// condition reads) and, per fact, the rules that read it, so that a change to
// one fact re-evaluates only those rules.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
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
  // The facts rule `i`'s condition reads.
  const std::vector<std::string>& reads(size_t i) const {
    return set_.rules[i].when.referenced_keys();
  }
  // The rules whose condition reads `fact` (empty for a fact no rule reads).
  const std::vector<size_t>& readers(const std::string& fact) const;
  // The index of the rule called `name`, or -1.
  long find_rule(const std::string& name) const;

 private:
  explicit KnowledgeBase(grl::RuleSet rules);

  grl::RuleSet set_;
  std::vector<size_t> order_;
  std::map<std::string, std::vector<size_t>, std::less<>> readers_;
  std::map<std::string, size_t, std::less<>> by_name_;
};

}  // namespace rules::engine
