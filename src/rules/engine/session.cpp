#include "rules/engine/session.h"

#include <algorithm>
#include <deque>
#include <map>

#include "core/containers/append_unique.h"
#include "rules/engine/actions.h"

namespace rules::engine {
namespace {

// The rules that fired most among the last firings, for the max-firings error.
std::string busiest(const std::deque<size_t>& recent, const KnowledgeBase& kb) {
  std::map<size_t, size_t> counts;
  for (size_t r : recent)
    ++counts[r];
  std::vector<std::pair<size_t, size_t>> by_count(counts.begin(), counts.end());
  std::sort(by_count.begin(), by_count.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (size_t i = 0; i < by_count.size() && i < 5; ++i) {
    if (!out.empty()) out += ", ";
    out += "\"" + kb.rules()[by_count[i].first].name + "\" (" + std::to_string(by_count[i].second) +
           " of the last " + std::to_string(recent.size()) + ")";
  }
  return out;
}

}  // namespace

Session::Session(std::shared_ptr<const KnowledgeBase> kb) : kb_(std::move(kb)) {}

void Session::set_fact(std::string_view name, expr::Json value) {
  facts_.set(name, std::move(value));
}

core::Result<RunResult> Session::run(const RunOptions& options) {
  const KnowledgeBase& kb = *kb_;
  const auto& rules = kb.rules();
  const size_t n = rules.size();
  std::vector<char> active(n, 1), matched(n, 0), dirty(n, 1), fired(n, 0);
  std::deque<size_t> recent;
  RunResult result;
  const FlatConditions& flat = kb.flat_conditions();
  PathValues values(flat.path_count());
  for (;;) {
    values.next_round();  // the last firing may have changed any fact
    for (size_t i = 0; i < n; ++i) {
      if (!dirty[i] || !active[i]) continue;
      if (std::optional<bool> fast = flat.evaluate(i, facts_, values)) {
        matched[i] = *fast;
        dirty[i] = 0;
        continue;
      }
      auto holds = rules[i].when.evaluate_bool(facts_);
      if (!holds)
        return rule_error(
            rules[i], kb.file(),
            grl::position_in(rules[i].when, rules[i].when_pos, holds.error().context().column),
            "in its condition", holds.error());
      matched[i] = holds.value();
      dirty[i] = 0;
    }
    size_t chosen = n;
    for (size_t i : kb.agenda_order()) {
      if (active[i] && matched[i] && !fired[i]) {
        chosen = i;
        break;
      }
    }
    if (chosen == n) return result;
    if (result.firings >= options.max_firings) {
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "rules kept firing: more than " + std::to_string(options.max_firings) +
                             " firings; most often " + busiest(recent, kb) +
                             ". A rule that changes a fact its own condition reads fires again: "
                             "add no-loop, Retract it, or make its condition turn false")
          .with_file(kb.file());
    }
    const grl::Rule& rule = rules[chosen];
    Effects fx;
    if (auto s = run_actions(rule, kb.file(), facts_, fx); !s) return s.error();
    ++result.firings;
    result.fired.push_back(chosen);
    fired[chosen] = 1;
    recent.push_back(chosen);
    if (recent.size() > 100) recent.pop_front();
    for (const std::string& path : fx.changed_paths) {
      kb.for_each_reader(path, [&](size_t r) {
        if (r == chosen && rule.no_loop) return;
        dirty[r] = 1;
        fired[r] = 0;
      });
    }
    for (const std::string& name : fx.retracted) {
      long r = kb.find_rule(name);
      if (r < 0) {
        return core::Error(
                   core::ErrorCode::kInvalidArgument,
                   "rule \"" + rule.name + "\": Retract(\"" + name + "\"): no rule of that name")
            .with_file(kb.file(), rule.pos.line, rule.pos.column);
      }
      active[static_cast<size_t>(r)] = 0;
    }
    if (options.trace) {
      result.trace.push_back(
          {result.firings, rule.name, rule.salience, rule.when.source(), fx.changed, fx.retracted});
    }
    result.log.insert(result.log.end(), fx.log.begin(), fx.log.end());
    for (const std::string& fact : fx.changed)
      core::append_unique(result.changed_facts, fact);
    if (fx.complete) {
      result.completed = true;
      return result;
    }
  }
}

}  // namespace rules::engine
