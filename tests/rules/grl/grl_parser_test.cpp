// rules/grl: GRL text to rules, and every malformed input to an error that
// names the file, line and column and says what was expected.
#include <gtest/gtest.h>

#include <string>

#include "rules/expr/scope.h"
#include "rules/grl/grl_parser.h"

namespace rules::grl {
namespace {

RuleSet parse_ok(const std::string& text) {
  auto set = parse_grl(text, "test.grl");
  if (!set) {
    ADD_FAILURE() << set.error().to_string();
    return {};
  }
  return std::move(set).value();
}

// The error for `text`, which must not parse, at `line`:`column`.
void expect_error(const std::string& text, int line, int column, const std::string& words) {
  auto set = parse_grl(text, "test.grl");
  ASSERT_FALSE(set.is_ok()) << "parsed: " << text;
  const core::Error& e = set.error();
  EXPECT_EQ(e.context().file, "test.grl");
  EXPECT_EQ(e.context().line, line) << e.to_string();
  EXPECT_EQ(e.context().column, column) << e.to_string();
  EXPECT_NE(e.message().find(words), std::string::npos) << e.to_string();
}

TEST(GrlParser, TheIssuesExampleRule) {
  RuleSet set = parse_ok(R"(
rule "Calculate purchase order total" salience 60 {
    when (Order.Qty > 0) && (Order.UnitPrice > 0)
    then Order.Total = Order.Qty * Order.UnitPrice; Update("Order");
}
)");
  ASSERT_EQ(set.rules.size(), 1u);
  const Rule& r = set.rules[0];
  EXPECT_EQ(r.name, "Calculate purchase order total");
  EXPECT_EQ(r.salience, 60);
  EXPECT_FALSE(r.no_loop);
  EXPECT_EQ(r.pos.line, 2);
  EXPECT_EQ(r.pos.column, 1);
  expr::ObjectScope facts(expr::Json::parse(R"({"Order": {"Qty": 3, "UnitPrice": 2.5}})"));
  EXPECT_TRUE(r.when.evaluate_bool(facts).value());
  EXPECT_EQ(r.when.referenced_keys(), std::vector<std::string>{"Order"});
  ASSERT_EQ(r.then.size(), 2u);
  const auto& assign = std::get<Assignment>(r.then[0].body);
  EXPECT_EQ(assign.fact, "Order");
  EXPECT_EQ(assign.fields, std::vector<std::string>{"Total"});
  EXPECT_EQ(assign.op, AssignOp::kSet);
  EXPECT_EQ(assign.value.evaluate(facts).value(), 7.5);
  const auto& update = std::get<ActionCall>(r.then[1].body);
  EXPECT_EQ(update.action, Action::kUpdate);
  ASSERT_EQ(update.args.size(), 1u);
  EXPECT_EQ(update.args[0].evaluate(facts).value(), "Order");
  EXPECT_EQ(r.then[1].pos.line, 4);
  EXPECT_STREQ(action_name(update.action), "Update");
}

TEST(GrlParser, NamesAttributesCommentsAndOrder) {
  RuleSet set = parse_ok(R"(// leading comment
rule Bare "a description with \"quotes\"" no-loop salience -5 { when true then Complete(); }
/* a block
   comment */ rule "Inside" {
  salience 10
  no-loop
  when Fact.amount > 10 /* a comment in the condition */ && Fact.country == "NO" // and here
  then
    Fact.tier = "big"; // after a statement
    Log("tier", Fact.tier)
}
)");
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].name, "Bare");
  EXPECT_EQ(set.rules[0].description, "a description with \"quotes\"");
  EXPECT_TRUE(set.rules[0].no_loop);
  EXPECT_EQ(set.rules[0].salience, -5);
  EXPECT_EQ(std::get<ActionCall>(set.rules[0].then[0].body).action, Action::kComplete);
  EXPECT_EQ(set.rules[1].name, "Inside");
  EXPECT_EQ(set.rules[1].salience, 10);
  EXPECT_TRUE(set.rules[1].no_loop);
  EXPECT_EQ(set.rules[1].pos.line, 4);
  expr::ObjectScope facts(expr::Json::parse(R"({"Fact": {"amount": 11, "country": "NO"}})"));
  EXPECT_TRUE(set.rules[1].when.evaluate_bool(facts).value());
  ASSERT_EQ(set.rules[1].then.size(), 2u);
  EXPECT_EQ(std::get<ActionCall>(set.rules[1].then[1].body).args.size(), 2u);
}

TEST(GrlParser, StatementsAssignOpsIfElseAndActions) {
  RuleSet set = parse_ok(R"(rule R { when true then
    A.count += 1; A.left -= A.step * 2; A.deep.er.field = "x";
    if A.count > 3 { Retract("R"); } else if A.count > 1 { A.note = "mid"; } else { Changed("A") }
    if A.flag { Complete() }
})");
  const auto& then = set.rules[0].then;
  ASSERT_EQ(then.size(), 5u);
  EXPECT_EQ(std::get<Assignment>(then[0].body).op, AssignOp::kAdd);
  EXPECT_EQ(std::get<Assignment>(then[1].body).op, AssignOp::kSubtract);
  EXPECT_EQ(std::get<Assignment>(then[2].body).fields,
            (std::vector<std::string>{"deep", "er", "field"}));
  const auto& branch = std::get<IfElse>(then[3].body);
  EXPECT_EQ(std::get<ActionCall>(branch.then_branch[0].body).action, Action::kRetract);
  ASSERT_EQ(branch.else_branch.size(), 1u);  // else if: a nested if
  const auto& nested = std::get<IfElse>(branch.else_branch[0].body);
  EXPECT_EQ(std::get<Assignment>(nested.then_branch[0].body).fields[0], "note");
  EXPECT_EQ(std::get<ActionCall>(nested.else_branch[0].body).action, Action::kChanged);
  EXPECT_TRUE(std::get<IfElse>(then[4].body).else_branch.empty());
}

TEST(GrlParser, StructureErrorsSayWhatWasExpectedWhere) {
  expect_error("rule A { then X.y = 1; }", 1, 10, "expected 'when' in rule \"A\"");
  expect_error("rule A salince 10 { when true then }", 1, 8, "unknown attribute 'salince'");
  expect_error("rule A salience ten { when true then }", 1, 17, "expected an integer");
  expect_error("rule A salience 99999999999 { when true then }", 1, 17, "expected an integer");
  expect_error("rul A { when true then }", 1, 1, "expected 'rule'");
  expect_error("rule { when true then }", 1, 6, "expected the rule's name");
  expect_error("rule A when true then }", 1, 8, "expected '{' to open rule \"A\"");
  expect_error("rule A { when true then X.y = 1;", 1, 33, "expected '}' to close rule \"A\"");
  expect_error("rule A { when true }", 1, 15, "the file ends inside the condition");
  expect_error("rule A { when then }", 1, 15, "expected the condition of rule \"A\"");
  expect_error("rule A { when true then }\nrule A { when false then }", 2, 1,
               "rule \"A\" is already defined at line 1");
  expect_error("rule A { when true then /* never closed }", 1, 25, "unterminated comment");
  expect_error("rule \"A { when true then }", 1, 6, "unterminated string");
  expect_error("rule \"A\\q\" { when true then }", 1, 8, "unknown escape \\q");
}

TEST(GrlParser, StatementErrors) {
  expect_error("rule A { when true then Updat(\"X\"); }", 1, 25, "unknown action 'Updat'");
  expect_error("rule A { when true then Complete(1); }", 1, 25, "Complete takes 0 arguments");
  expect_error("rule A { when true then Retract(); }", 1, 25, "Retract takes 1 argument, found 0");
  expect_error("rule A { when true then Log(); }", 1, 25, "Log takes at least 1 arguments");
  expect_error("rule A { when true then X = 1; }", 1, 25, "needs a fact's field");
  expect_error("rule A { when true then X.y == 1; }", 1, 29, "expected '=', '+=' or '-='");
  expect_error("rule A { when true then X. = 1; }", 1, 27, "expected a field name");
  // The expression "1 X.z = 2" stops at its lone '=' (column 37 of the file).
  expect_error("rule A { when true then X.y = 1 X.z = 2; }", 1, 37, "in the value assigned");
  expect_error("rule A { when true then X.y = ; }", 1, 31, "expected the value assigned to X.y");
  expect_error("rule A { when true then 42; }", 1, 25, "expected a statement");
  expect_error("rule A { when true then if X.y { X.z = 1; ", 1, 43, "expected '}' to close");
  expect_error("rule A { when true then Log(X.y)) }", 1, 33, "expected ';' after the statement");
}

TEST(GrlParser, ExpressionErrorsPointIntoTheFile) {
  // The second '>' of line 3, column 22.
  expect_error("rule A {\n  when\n    Order.Qty > > 1\n  then Complete(); }", 3, 17,
               "in the condition of rule \"A\"");
  expect_error("rule A { when true then X.y = (1 + ; }", 1, 35, "in the value assigned to X.y");
  expect_error("rule A { when true then Log(1, nosuchfn(2)); }", 1, 32,
               "in argument 2 of Log in rule \"A\"");
  expect_error("rule A { when (a > 1 then Complete(); }", 1, 21, "in the condition of rule");
}

TEST(GrlParser, HostileInputsAreRefusedCleanly) {
  std::string deep = "rule A { when true then ";
  for (int i = 0; i < 40; ++i)
    deep += "if true { ";
  expect_error(deep, 1, 24 + 10 * 32 + 1, "nested deeper than 32");
  std::string huge(17u << 20, ' ');
  auto set = parse_grl(huge, "huge.grl");
  ASSERT_FALSE(set.is_ok());
  EXPECT_NE(set.error().message().find("16 MiB"), std::string::npos);
  EXPECT_EQ(parse_ok("").rules.size(), 0u);
  EXPECT_EQ(parse_ok("  // only a comment\n").rules.size(), 0u);
  auto missing = load_grl("/nonexistent/rules.grl");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.error().context().file, "/nonexistent/rules.grl");
}

}  // namespace
}  // namespace rules::grl
