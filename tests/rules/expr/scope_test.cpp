// rules/expr: ObjectScope, the Scope of named JSON values rule sessions and
// tests evaluate against.
#include <gtest/gtest.h>

#include "rules/expr/errors.h"
#include "rules/expr/expression.h"
#include "rules/expr/scope.h"

namespace rules::expr {
namespace {

TEST(ObjectScope, NamesAreTheObjectsMembersAndSetReplaces) {
  ObjectScope scope(Json::parse(R"({"Order": {"Qty": 2}, "flag": true})"));
  ASSERT_NE(scope.find("Order"), nullptr);
  EXPECT_EQ((*scope.find("Order"))["Qty"], 2);
  EXPECT_EQ(scope.find("order"), nullptr);  // names are case-sensitive
  scope.set("flag", false);
  scope.set("New", "x");
  EXPECT_EQ(*scope.find("flag"), false);
  EXPECT_EQ(*scope.find("New"), "x");
  EXPECT_EQ(ObjectScope(Json::array({1, 2})).find("0"), nullptr);  // not an object: no names

  auto e = Expression::parse("Order.Qty * 2 == 4 && New == 'x'");
  ASSERT_TRUE(e.is_ok()) << e.error().to_string();
  EXPECT_TRUE(e.value().evaluate_bool(scope).value());
  auto missing = Expression::parse("Customer.Tier == 'gold'").value().evaluate(scope);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.error().tag(), kMissingNameErrorTag);
}

}  // namespace
}  // namespace rules::expr
