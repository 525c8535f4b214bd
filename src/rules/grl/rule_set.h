// rules/grl/rule_set.h: a GRL file, parsed.
//
// GRL (the Grule Rule Language, also read by rust-rule-engine) is a list of
//
//   rule NAME ["description"] [salience N] [no-loop] {
//       when CONDITION
//       then STATEMENT; STATEMENT; ...
//   }
//
// NAME is quoted or a bare identifier; `salience N` may also open the block.
// CONDITION and every expression inside the statements are the expression
// language of rules/expr/expression.h, read against the session's facts:
// `Order.Qty > 0 && Order.Customer.Tier == "gold"`, with GRL's functions
// (Len, Contains, StartsWith, ToUpper, ToLower, Abs, Max, Min, Round, Now),
// also as methods: `Order.Name.ToUpper()`. The statements are
//
//   Fact.Field = EXPR;   Fact.Field += EXPR;   Fact.Field -= EXPR;
//   Retract("Rule");  Update("Fact");  Changed("Fact");  Complete();  Log(EXPR, ...);
//   if EXPR { STATEMENTS } else if EXPR { STATEMENTS } else { STATEMENTS }
//
// Comments are `// ...` and `/* ... */`. Every expression is compiled once,
// here; a session evaluates the compiled form.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "rules/expr/expression.h"

namespace rules::grl {

struct SourcePos {
  int line = 0;    // 1-based
  int column = 0;  // 1-based byte column
};

enum class AssignOp { kSet, kAdd, kSubtract };  // =  +=  -=

// Fact.Field.Sub... OP value
struct Assignment {
  std::string fact;
  std::vector<std::string> fields;  // at least one
  AssignOp op = AssignOp::kSet;
  Expression value;
};

enum class Action { kRetract, kUpdate, kChanged, kComplete, kLog };

// One of the engine's built-in actions with its arguments.
struct ActionCall {
  Action action = Action::kLog;
  std::vector<Expression> args;
};

struct Statement;

// if / else if / else: `else_branch` holds a nested IfElse for `else if`.
struct IfElse {
  Expression condition;
  std::vector<Statement> then_branch;
  std::vector<Statement> else_branch;
};

struct Statement {
  SourcePos pos;
  std::variant<Assignment, ActionCall, IfElse> body;
};

struct Rule {
  std::string name;
  std::string description;
  int salience = 0;
  bool no_loop = false;
  Expression when;
  std::vector<Statement> then;
  SourcePos pos;       // of the `rule` keyword
  SourcePos when_pos;  // of the condition's first character
};

struct RuleSet {
  std::string file;
  std::vector<Rule> rules;  // in declaration order
};

// The action's name as written in GRL: "Retract", ...
const char* action_name(Action action);

// Where column `column` (1-based) of `expr`'s source is in the file, given
// where the source starts: for errors found while the rules run, which the
// expression reports by column.
SourcePos position_in(const Expression& expr, SourcePos start, int column);

}  // namespace rules::grl
