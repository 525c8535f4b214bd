// rules/engine/actions.h: what a fired rule's `then` block does to the facts.
//
// Assignments write into the session's facts (a missing object on the way
// is created, `+=` and `-=` follow the expression language's + and -), and
// the built-in actions are collected as effects for the session's agenda:
// which facts changed (assignments, Update, Changed), which rules were
// retracted, whether Complete() was called (the run ends once the block is
// done), and the Log() lines. Errors name
// the rule and the statement's file, line and column.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "rules/expr/scope.h"
#include "rules/grl/rule_set.h"

namespace rules::engine {

struct Effects {
  std::vector<std::string> changed;        // fact names, each once
  std::vector<std::string> changed_paths;  // "Fact.Field" (assignments) or "Fact", each once
  std::vector<std::string> retracted;      // rule names
  bool complete = false;
  std::vector<std::string> log;
};

core::Status run_actions(const grl::Rule& rule, const std::string& file, expr::ObjectScope& facts,
                         Effects& effects);

// "rule \"NAME\" (FILE:LINE:COL): WHAT: MESSAGE", keeping the inner error's
// code and tag, for errors raised while a rule is evaluated or fired.
core::Error rule_error(const grl::Rule& rule, const std::string& file, grl::SourcePos pos,
                       const std::string& what, const core::Error& inner);

}  // namespace rules::engine
