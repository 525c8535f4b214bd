// rules/engine: forward chaining: salience order, chaining through changed
// facts, no-loop, Retract, Complete, if/else actions, nested facts, the
// firing guard, errors naming the rule, and concurrent sessions.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "rules/engine/session.h"
#include "rules/grl/grl_parser.h"

namespace rules::engine {
namespace {

using expr::Json;

std::shared_ptr<const KnowledgeBase> kb_of(const std::string& grl) {
  auto set = grl::parse_grl(grl, "test.grl");
  if (!set) throw std::runtime_error(set.error().to_string());
  auto kb = KnowledgeBase::build(std::move(set).value());
  if (!kb) throw std::runtime_error(kb.error().to_string());
  return kb.value();
}

// Runs `grl` over `facts` (a JSON object of named facts); the session stays
// available for its facts.
struct RulesRun {
  RulesRun(const std::string& grl, const std::string& facts, RunOptions options = {})
      : session(kb_of(grl)) {
    Json parsed = Json::parse(facts);
    for (const auto& [name, value] : parsed.items())
      session.set_fact(name, value);
    options.trace = true;
    auto r = session.run(options);
    if (r) {
      result = std::move(r).value();
    } else {
      error = r.error();
    }
  }
  const Json& fact(const std::string& name) const { return *session.facts().find(name); }
  Session session;
  RunResult result;
  std::optional<core::Error> error;
};

std::vector<std::string> fired(const RunResult& r) {
  std::vector<std::string> names;
  for (const auto& f : r.trace)
    names.push_back(f.rule);
  return names;
}

TEST(Session, SalienceOrdersTheAgendaThenDeclarationOrder) {
  RulesRun run(R"(
    rule Low salience 1 { when true then Log("Low"); }
    rule First salience 5 { when true then Log("First"); }
    rule High salience 9 { when true then Log("High"); }
    rule Second salience 5 { when true then Log("Second"); }
    rule Never { when false then Log("Never"); }
  )",
               "{}");
  ASSERT_FALSE(run.error) << run.error->to_string();
  EXPECT_EQ(run.result.log, (std::vector<std::string>{"High", "First", "Second", "Low"}));
  EXPECT_EQ(run.result.firings, 4u);
  EXPECT_FALSE(run.result.completed);
}

TEST(Session, ARulesActionsEnableTheNextRule) {
  RulesRun run(R"(
    rule "Calculate purchase order total" salience 60 {
      when (Order.Qty > 0) && (Order.UnitPrice > 0) && Order.Total == 0
      then Order.Total = Order.Qty * Order.UnitPrice; Update("Order");
    }
    rule Discount salience 10 {
      when Order.Total > 100 && Order.Discounted == false
      then Order.Total -= Order.Total * 0.1; Order.Discounted = true;
    }
  )",
               R"({"Order": {"Qty": 30, "UnitPrice": 5, "Total": 0, "Discounted": false}})");
  ASSERT_FALSE(run.error) << run.error->to_string();
  EXPECT_EQ(fired(run.result),
            (std::vector<std::string>{"Calculate purchase order total", "Discount"}));
  EXPECT_EQ(run.fact("Order")["Total"], 135.0);
  EXPECT_EQ(run.result.trace[0].changed, std::vector<std::string>{"Order"});
  EXPECT_EQ(run.result.trace[0].condition,
            "(Order.Qty > 0) && (Order.UnitPrice > 0) && Order.Total == 0");
}

TEST(Session, ARuleFiresAgainOnlyWhenWhatItReadsChanges) {
  // Counts up while its condition holds: each += changes what it reads.
  RulesRun counting("rule Count { when Counter.n < 5 then Counter.n += 1; }",
                    R"({"Counter": {"n": 0}})");
  ASSERT_FALSE(counting.error) << counting.error->to_string();
  EXPECT_EQ(counting.fact("Counter")["n"], 5);
  EXPECT_EQ(counting.result.firings, 5u);
  // no-loop: its own change does not put it back.
  RulesRun once("rule Count no-loop { when Counter.n < 5 then Counter.n += 1; }",
                R"({"Counter": {"n": 0}})");
  ASSERT_FALSE(once.error);
  EXPECT_EQ(once.fact("Counter")["n"], 1);
  // A rule that changes nothing it reads fires once.
  RulesRun quiet("rule Mark { when Order.Total > 1 then Audit.seen = true; }",
                 R"({"Order": {"Total": 5}, "Audit": {}})");
  ASSERT_FALSE(quiet.error);
  EXPECT_EQ(quiet.result.firings, 1u);
  // ... until another rule changes what it reads.
  RulesRun again(R"(
    rule Mark salience 5 { when Order.Total > 1 then Audit.count += 1; }
    rule Bump salience 1 { when Order.Total < 3 then Order.Total = 10; }
  )",
                 R"({"Order": {"Total": 2}, "Audit": {"count": 0}})");
  ASSERT_FALSE(again.error);
  EXPECT_EQ(fired(again.result), (std::vector<std::string>{"Mark", "Bump", "Mark"}));
  EXPECT_EQ(again.fact("Audit")["count"], 2);
}

TEST(Session, ChangesAreTrackedPerFieldAndUpdateWakesTheWholeFact) {
  // Reads Order.Qty, writes Order.Total: no loop, without no-loop.
  RulesRun field("rule T { when Order.Qty > 0 then Order.Total = Order.Qty * 2; }",
                 R"({"Order": {"Qty": 4}})");
  ASSERT_FALSE(field.error) << field.error->to_string();
  EXPECT_EQ(field.result.firings, 1u);
  EXPECT_EQ(field.fact("Order")["Total"], 8);
  // Update("Order") wakes a rule reading Order.Qty again (here: until it retracts itself).
  RulesRun whole(R"(
    rule T salience 5 { when Order.Qty > 0 then Order.Count += 1; }
    rule U { when Order.Count == 1 then Update("Order"); }
    rule Stop salience 9 { when Order.Count >= 2 then Retract("T"); Retract("U"); }
  )",
                 R"({"Order": {"Qty": 1, "Count": 0}})");
  ASSERT_FALSE(whole.error) << whole.error->to_string();
  EXPECT_EQ(fired(whole.result), (std::vector<std::string>{"T", "U", "T", "Stop"}));
  // A condition that uses the whole fact is woken by any field of it.
  RulesRun any(R"(
    rule Size salience 1 { when len(Order) == 2 then Log("two fields"); }
    rule Add salience 5 { when Order.A == 1 then Order.B = 2; }
  )",
               R"({"Order": {"A": 1}})");
  ASSERT_FALSE(any.error) << any.error->to_string();
  EXPECT_EQ(fired(any.result), (std::vector<std::string>{"Add", "Size"}));
}

TEST(Session, RetractCompleteAndIfElse) {
  RulesRun retract(R"(
    rule Stopper salience 10 { when true then Retract("Noisy"); Log("stopped"); }
    rule Noisy { when true then Log("noisy"); }
  )",
                   "{}");
  ASSERT_FALSE(retract.error);
  EXPECT_EQ(retract.result.log, std::vector<std::string>{"stopped"});
  EXPECT_EQ(retract.result.trace[0].retracted, std::vector<std::string>{"Noisy"});

  RulesRun complete(R"(
    rule Done salience 10 { when true then Complete(); Log("the block finishes"); }
    rule Later { when true then Log("never"); }
  )",
                    "{}");
  ASSERT_FALSE(complete.error);
  EXPECT_TRUE(complete.result.completed);
  EXPECT_EQ(complete.result.log, std::vector<std::string>{"the block finishes"});

  RulesRun branches(R"(
    rule Tier no-loop { when Customer.spend >= 0 then
      if Customer.spend > 1000 { Customer.tier = "gold"; }
      else if Customer.spend > 100 { Customer.tier = "silver"; Log("silver", Customer.spend); }
      else { Customer.tier = "basic"; }
    }
  )",
                    R"({"Customer": {"spend": 250}})");
  ASSERT_FALSE(branches.error) << branches.error->to_string();
  EXPECT_EQ(branches.fact("Customer")["tier"], "silver");
  EXPECT_EQ(branches.result.log, std::vector<std::string>{"silver 250"});
}

TEST(Session, NestedFactsAndFieldsMadeOnTheWay) {
  // no-loop: the rule writes the fact its condition reads, and would fire again.
  RulesRun run(R"(rule Ship no-loop { when Order.Customer.Address.Country == "NO"
                          then Order.Shipping.Zone.Name = "nordic"; Order.Shipping.Cost = 9.5; })",
               R"({"Order": {"Customer": {"Address": {"Country": "NO"}}}})");
  ASSERT_FALSE(run.error) << run.error->to_string();
  EXPECT_EQ(run.fact("Order")["Shipping"]["Zone"]["Name"], "nordic");
  EXPECT_EQ(run.fact("Order")["Shipping"]["Cost"], 9.5);
}

TEST(Session, MethodCallsInConditionsAndActions) {
  RulesRun run(R"(
    rule Normalize salience 10 { when Customer.Name.Len() > 0 && !Customer.Name.StartsWith("MR")
                                 then Customer.Name = "MR " + Customer.Name.ToUpper(); }
    rule Greet { when Customer.Name.Contains("ADA") then Customer.Greeting = Customer.Name.ToLower(); }
  )",
               R"({"Customer": {"Name": "Ada"}})");
  ASSERT_FALSE(run.error) << run.error->to_string();
  EXPECT_EQ(run.fact("Customer")["Name"], "MR ADA");
  EXPECT_EQ(run.fact("Customer")["Greeting"], "mr ada");
  EXPECT_EQ(fired(run.result), (std::vector<std::string>{"Normalize", "Greet"}));
}

void expect_run_error(const std::string& grl, const std::string& facts, int line,
                      const std::string& words, RunOptions options = {}) {
  RulesRun run(grl, facts, options);
  ASSERT_TRUE(run.error.has_value()) << grl;
  EXPECT_EQ(run.error->context().file, "test.grl");
  if (line > 0) {
    EXPECT_EQ(run.error->context().line, line) << run.error->to_string();
  }
  EXPECT_NE(run.error->message().find(words), std::string::npos) << run.error->to_string();
}

TEST(Session, RuntimeErrorsNameTheRuleAndWhere) {
  expect_run_error("rule A { when Customer.tier == 'gold' then Log(1); }", "{}", 1,
                   "rule \"A\": in its condition: fact 'Customer' is not set");
  expect_run_error("rule A { when X.name > 3 then Log(1); }", R"({"X": {"name": "Bob"}})", 1,
                   "rule \"A\": in its condition");
  expect_run_error("rule A { when true then\n X.v = 1 / X.zero; }", R"({"X": {"zero": 0}})", 2,
                   "rule \"A\": in an assignment: division by zero");
  expect_run_error("rule A { when true then\n X.v += 1; }", R"({"X": {}})", 2, "'X.v' is not set");
  expect_run_error("rule A { when true then\n\n Y.v = 1; }", "{}", 3, "fact 'Y' is not set");
  expect_run_error("rule A { when true then Update(\"Nope\"); }", "{}", 1,
                   "fact 'Nope' is not set");
  expect_run_error("rule A { when true then X.n.deeper = 1; }", R"({"X": {"n": 5}})", 1,
                   "'X.n' is a number");
  expect_run_error("rule A { when true then if X { Log(1); } }", R"({"X": 3})", 1,
                   "in an if condition");
  expect_run_error("rule A { when true then Retract(X.name); }", R"({"X": {"name": "Z"}})", 1,
                   "Retract(\"Z\"): no rule of that name");
}

TEST(Session, AConditionsErrorPointsAtThePartThatFailed) {
  RulesRun run(
      "rule A {\n  when Order.Qty > 1 &&\n     /* gold? */ Customer.tier == 'gold'\n"
      "  then Log(1); }",
      R"({"Order": {"Qty": 5}})");
  ASSERT_TRUE(run.error.has_value());
  EXPECT_EQ(run.error->context().line, 3) << run.error->to_string();
  EXPECT_EQ(run.error->context().column, 18) << run.error->to_string();
  EXPECT_NE(run.error->message().find("fact 'Customer' is not set"), std::string::npos);

  RulesRun type("rule B { when X.n > 'a' then Log(1); }", R"({"X": {"n": 1}})");
  ASSERT_TRUE(type.error.has_value());
  EXPECT_EQ(type.error->context().line, 1);
  EXPECT_EQ(type.error->context().column, 19) << type.error->to_string();  // the '>'
}

TEST(Session, TheFiringGuardNamesTheRulesThatKeepFiring) {
  RunOptions small;
  small.max_firings = 50;
  expect_run_error(R"(
    rule PingX { when X.n >= 0 then Y.n += 1; }
    rule PingY { when Y.n >= 0 then X.n += 1; }
  )",
                   R"({"X": {"n": 0}, "Y": {"n": 0}})", 0,
                   "more than 50 firings; most often \"PingX\" (25 of the last 50), \"PingY\" (25 "
                   "of the last 50)",
                   small);
}

TEST(Session, RetractOfAnUnknownRuleIsRefusedWhenBuilt) {
  auto set = grl::parse_grl("rule A { when true then Retract(\"B\"); }", "test.grl");
  ASSERT_TRUE(set.is_ok());
  auto kb = KnowledgeBase::build(std::move(set).value());
  ASSERT_FALSE(kb.is_ok());
  EXPECT_NE(kb.error().message().find("retracts \"B\", which is not a rule"), std::string::npos);
  EXPECT_EQ(kb.error().context().line, 1);
}

TEST(Session, ManySessionsShareOneKnowledgeBase) {
  auto kb = kb_of(R"(
    rule Total salience 2 { when Order.Total == 0 then Order.Total = Order.Qty * Order.Price; }
    rule Big no-loop { when Order.Total > 100 then Order.Big = true; }
  )");
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        Session s(kb);
        int qty = t * 1000 + i + 1;
        s.set_fact("Order", Json{{"Qty", qty}, {"Price", 2}, {"Total", 0}});
        auto r = s.run();
        const Json& order = *s.facts().find("Order");
        bool big = order.contains("Big");
        if (!r || order["Total"] != qty * 2 || big != (qty * 2 > 100)) ++wrong[t];
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace rules::engine
