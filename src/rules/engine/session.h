// rules/engine/session.h: forward chaining over one set of facts.
//
// A Session holds the working memory, named facts (JSON values, usually
// objects: `Order`, `Customer`), and runs a shared KnowledgeBase against it:
//
//   1. Every rule whose condition holds is on the agenda; the rule with the
//      highest salience fires (ties: the one declared first).
//   2. Firing runs its `then` block (actions.h). A rule that fired is not on
//      the agenda again until something its condition reads changes; a
//      change re-evaluates only the rules that read it. Reads and changes are
//      tracked per field where the rules name one: a rule reading Order.Qty
//      is not woken by an assignment to Order.Total, but Update("Order")
//      wakes every rule that reads Order.
//   3. A `no-loop` rule is not put back by changes it made itself.
//      Retract("R") takes R off the agenda for the rest of the run.
//      Complete() ends the run once the firing rule's block is done.
//   4. The run ends when the agenda is empty. More than `max_firings` firings
//      is an error naming the rules that kept firing.
//
// A fact changes when a rule assigns to one of its fields (that field) or
// names it in Update or Changed (all of it).
// Errors (a condition or action that fails) name the rule, the file, line
// and column, and what failed; the facts are left as the failing rule left
// them. One Session is used by one thread; any number of Sessions may share a
// KnowledgeBase.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "rules/engine/knowledge_base.h"
#include "rules/expr/scope.h"

namespace rules::engine {

struct RunOptions {
  size_t max_firings = 10000;
  bool trace = false;  // record every firing in RunResult::trace
};

// One firing, for explanations: which rule, why (its condition held), and
// what it changed.
struct Firing {
  size_t number = 0;  // 1-based
  std::string rule;
  int salience = 0;
  std::string condition;
  std::vector<std::string> changed;
  std::vector<std::string> retracted;
};

struct RunResult {
  size_t firings = 0;
  bool completed = false;     // ended by Complete()
  std::vector<size_t> fired;  // the rules that fired, in order (indices into kb.rules())
  std::vector<Firing> trace;
  std::vector<std::string> log;            // Log() lines, in order
  std::vector<std::string> changed_facts;  // every fact a firing changed, each once
};

class Session {
 public:
  explicit Session(std::shared_ptr<const KnowledgeBase> kb);

  // Adds or replaces a fact.
  void set_fact(std::string_view name, expr::Json value);
  const expr::ObjectScope& facts() const { return facts_; }

  core::Result<RunResult> run(const RunOptions& options = {});

 private:
  std::shared_ptr<const KnowledgeBase> kb_;
  expr::ObjectScope facts_;
};

}  // namespace rules::engine
