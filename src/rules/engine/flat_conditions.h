// rules/engine/flat_conditions.h: the conditions of a rule set that only test
// fact fields against constants, flattened for fast matching.
//
// Most business rules look like `Order.Total > 100 && Customer.Tier == "gold"`
// (expr/path_tests.h). Compiled here once per knowledge base, every distinct
// path of the whole set ("Order.Total") gets a number; a session looks each
// one up at most once per round of condition evaluations (PathValues) and
// each rule's condition is a few comparisons on those values. With 100 rules
// over the same two fields this is several times faster than evaluating 100
// expression trees, each looking its fields up again.
//
// The answer is always the expression's own: where it would be an error, or
// for any other shape of condition, evaluate() says "don't know" (nullopt)
// and the session evaluates the expression, which reports the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/expr/path_tests.h"
#include "rules/grl/rule_set.h"

namespace rules::engine {

class FlatConditions;

// The values of a FlatConditions' paths in one session's facts, each looked
// up on first use in a round. next_round() forgets them all (in O(1)): call it
// whenever the facts may have changed.
class PathValues {
 public:
  explicit PathValues(size_t paths) : round_of_(paths, 0), values_(paths, nullptr) {}
  void next_round() { ++round_; }

 private:
  friend class FlatConditions;
  uint32_t round_ = 1;
  std::vector<uint32_t> round_of_;         // the round values_[i] was looked up in
  std::vector<const expr::Json*> values_;  // nullptr: reading it is an error
};

class FlatConditions {
 public:
  explicit FlatConditions(const std::vector<grl::Rule>& rules);

  size_t path_count() const { return paths_.size(); }
  // How many rules have a flat condition.
  size_t flat_rules() const;
  // Rule `rule`'s condition over `facts`, or nullopt: not flat, or an error.
  std::optional<bool> evaluate(size_t rule, const expr::Scope& facts, PathValues& values) const;

 private:
  struct Path {
    std::string key;
    std::vector<std::string> members;
  };
  struct Test {
    uint32_t path;
    expr::Op op;
    expr::Json literal;
  };
  struct Condition {
    bool flat = false;
    std::vector<Test> tests;
  };

  std::vector<Path> paths_;
  std::vector<Condition> conditions_;  // by rule index
};

}  // namespace rules::engine
