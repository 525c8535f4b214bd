// rules/engine: flat conditions (field tests against constants) give exactly
// what the expression gives, value for value, and defer to it wherever it
// would fail; which shapes are flat; and paths are looked up once per round.
#include "rules/engine/flat_conditions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/grl/grl_parser.h"

namespace rules::engine {
namespace {

using expr::Json;

grl::RuleSet rules_of(const std::vector<std::string>& conditions) {
  std::string text;
  for (size_t i = 0; i < conditions.size(); ++i)
    text += "rule R" + std::to_string(i) + " { when " + conditions[i] + " then Complete(); }\n";
  auto set = grl::parse_grl(text, "test.grl");
  if (!set) throw std::runtime_error(set.error().to_string());
  return std::move(set).value();
}

TEST(FlatConditions, OnlyConjunctionsOfFieldTestsAgainstConstantsAreFlat) {
  const std::vector<std::string> flat = {
      "Fact.amount > 10 && Fact.country == \"NO\"",
      "Order.Customer.Tier != 'gold'",
      "Fact.a >= -1.5 && Fact.b <= 2 && Fact.c < 'm' && X == nil",
  };
  const std::vector<std::string> not_flat = {
      "Fact.a > 1 || Fact.b == 2",  // ||
      "!(Fact.a > 1)",              // !
      "Len(Fact.name) > 1",         // a call
      "1 < Fact.a",                 // the constant on the left
      "Fact.tags[0] == 'x'",        // an index
      "Fact.a == Fact.b",           // no constant
      "Fact.a > 1 && Fact.flag",    // a bare field
      "true",
  };
  std::vector<std::string> all = flat;
  all.insert(all.end(), not_flat.begin(), not_flat.end());
  FlatConditions fc(rules_of(all).rules);
  EXPECT_EQ(fc.flat_rules(), flat.size());
  // Fact.amount, Fact.country, Order.Customer.Tier, Fact.a, Fact.b, Fact.c, X.
  EXPECT_EQ(fc.path_count(), 7u);
}

// Every condition over every set of facts: a flat answer must be the
// expression's answer, and where the expression fails there is none.
TEST(FlatConditions, AgreeWithTheExpressionOnEveryInput) {
  const std::vector<std::string> conditions = {
      "Fact.amount > 10 && Fact.country == \"NO\"",
      "Fact.amount <= 10.5",
      "Fact.amount != 7 && Fact.amount >= 7",
      "Fact.country < 'M'",
      "Fact.nested.deep == 1",
      "Fact.missing == nil && Fact.amount == 12",
      "Fact.country > 3",  // a string and a number: an error when it is a string
      "Other.x == 1",      // a fact that may be unset
      "Fact.amount == 12.0 && Fact.country != 'SE'",
  };
  const std::vector<std::string> facts = {
      R"({"Fact": {"amount": 12, "country": "NO"}, "Other": {"x": 1}})",
      R"({"Fact": {"amount": 7, "country": "SE"}})",
      R"({"Fact": {"amount": 10.5, "country": "AT", "nested": {"deep": 1}}})",
      R"({"Fact": {"amount": "12", "country": 3, "nested": 5}})",
      R"({"Fact": {"amount": null, "country": null, "nested": null}, "Other": 4})",
      R"({"Fact": [1, 2], "Other": {"x": 1.0}})",
      R"({"Fact": 3})",
      R"({})",
  };
  grl::RuleSet set = rules_of(conditions);
  FlatConditions fc(set.rules);
  ASSERT_EQ(fc.flat_rules(), conditions.size());
  int answered = 0, deferred = 0;
  for (const std::string& text : facts) {
    expr::ObjectScope scope(Json::parse(text));
    PathValues values(fc.path_count());
    for (size_t r = 0; r < conditions.size(); ++r) {
      core::Result<bool> want = set.rules[r].when.evaluate_bool(scope);
      std::optional<bool> got = fc.evaluate(r, scope, values);
      SCOPED_TRACE(conditions[r] + " over " + text);
      if (got) {
        ++answered;
        ASSERT_TRUE(want.is_ok()) << "flat answered where the expression fails: "
                                  << want.error().to_string();
        EXPECT_EQ(*got, want.value());
      } else {
        ++deferred;
        EXPECT_FALSE(want.is_ok()) << "flat deferred a condition the expression answers";
      }
    }
  }
  // Both answers and deferrals were exercised (29 and 43 of the 72).
  EXPECT_GT(answered, 20);
  EXPECT_GT(deferred, 20);
}

// Counts the lookups of top-level names.
class CountingScope final : public expr::Scope {
 public:
  explicit CountingScope(const Json& facts) : facts_(facts) {}
  const Json* find(std::string_view name) const override {
    ++lookups;
    return facts_.find(name);
  }
  expr::ObjectScope facts_;
  mutable int lookups = 0;
};

TEST(FlatConditions, APathIsReadOncePerRoundAndAgainAfterNextRound) {
  grl::RuleSet set = rules_of({"Fact.n > 1", "Fact.n > 5", "Fact.n < 100 && Fact.n > 2"});
  FlatConditions fc(set.rules);
  EXPECT_EQ(fc.path_count(), 1u);
  CountingScope scope(Json::parse(R"({"Fact": {"n": 3}})"));
  PathValues values(fc.path_count());
  EXPECT_EQ(fc.evaluate(0, scope, values), true);
  EXPECT_EQ(fc.evaluate(1, scope, values), false);
  EXPECT_EQ(fc.evaluate(2, scope, values), true);
  EXPECT_EQ(scope.lookups, 1);
  // A firing replaced the fact: the session starts a new round.
  scope.facts_.set("Fact", Json{{"n", 10}});
  values.next_round();
  EXPECT_EQ(fc.evaluate(1, scope, values), true);
  EXPECT_EQ(scope.lookups, 2);
}

}  // namespace
}  // namespace rules::engine
