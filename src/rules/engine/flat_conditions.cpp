#include "rules/engine/flat_conditions.h"

#include <algorithm>

namespace rules::engine {

FlatConditions::FlatConditions(const std::vector<grl::Rule>& rules) {
  conditions_.resize(rules.size());
  for (size_t r = 0; r < rules.size(); ++r) {
    std::optional<std::vector<expr::PathTest>> tests = expr::path_tests(rules[r].when);
    if (!tests) continue;
    Condition& c = conditions_[r];
    c.flat = true;
    for (expr::PathTest& t : *tests) {
      auto same = [&t](const Path& p) { return p.key == t.key && p.members == t.members; };
      auto it = std::find_if(paths_.begin(), paths_.end(), same);
      if (it == paths_.end()) it = paths_.insert(it, Path{t.key, t.members});
      c.tests.push_back({static_cast<uint32_t>(it - paths_.begin()), t.op, std::move(t.literal)});
    }
  }
}

size_t FlatConditions::flat_rules() const {
  return static_cast<size_t>(std::count_if(conditions_.begin(), conditions_.end(),
                                           [](const Condition& c) { return c.flat; }));
}

std::optional<bool> FlatConditions::evaluate(size_t rule, const expr::Scope& facts,
                                             PathValues& values) const {
  const Condition& c = conditions_[rule];
  if (!c.flat) return std::nullopt;
  for (const Test& t : c.tests) {
    if (values.round_of_[t.path] != values.round_) {
      const Path& p = paths_[t.path];
      values.values_[t.path] = expr::resolve_path(facts, p.key, p.members);
      values.round_of_[t.path] = values.round_;
    }
    const expr::Json* value = values.values_[t.path];
    if (value == nullptr) return std::nullopt;
    std::optional<bool> passed = expr::run_test(t.op, *value, t.literal);
    if (!passed) return std::nullopt;
    if (!*passed) return false;  // && stops here, as the expression would
  }
  return true;
}

}  // namespace rules::engine
