// Hostile input: thousands of random mutations of valid expressions must
// parse or fail with an E-coded error, and evaluate or fail the same way;
// never crash, hang or trip the sanitizers (scripts/test runs this under
// ASan+UBSan).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "expr_test_util.h"
#include "rules/expr/expression.h"

namespace rules {
namespace {

const std::vector<std::string> kSeeds = {
    "amount > 100 && tier == \"gold\"",
    "(price * qty + 2) * (1 - 0.5) > 500",
    "order.items[2].price >= 10",
    "'b' in tags || user.age % 7 != 3 and not flag",
    "len(lower(name) + 'x') == max(nums) - min(1, 2.5, abs(-3))",
    "exists(user.address.city) && contains(user.roles, 'admin')",
    "matrix[i][i + 0] / 3 < -1e2 || [1, 'a', null] == tags",
    "nothing == null && 'it\\'s' not in name",
};

// Characters that matter to the lexer and parser, so mutations reach deep
// rather than stopping at the first unknown byte; a NUL and UTF-8 bytes too.
constexpr char kChars[] = "()[]{}.,+-*/%!=<>&|'\"\\ 0123456789eE.abnotrulx_\t\n\xC3\xA9\x00";
const std::string kAlphabet(kChars, sizeof(kChars) - 1);

std::string mutate(std::string s, std::mt19937& rng) {
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    char c = kAlphabet[rng() % kAlphabet.size()];
    switch (rng() % 5) {
      case 0:  // insert
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), c);
        break;
      case 1:  // delete
        if (pos < s.size()) s.erase(pos, 1);
        break;
      case 2:  // replace
        if (pos < s.size()) s[pos] = c;
        break;
      case 3: {  // duplicate a slice: grows nesting and repeats operators
        size_t len = rng() % 8;
        s.insert(pos, s.substr(pos, len));
        break;
      }
      default:  // truncate
        s.resize(pos);
        break;
    }
  }
  return s;
}

bool tagged(const core::Error& e) {
  return (e.tag() == "E003" || e.tag() == "E010") && e.context().column >= 1;
}

TEST(ExpressionRobustnessTest, RandomMutationsNeverCrash) {
  std::mt19937 rng(20240611);
  expr::ObjectScope ctx = testing_util::sample_context();
  int parsed = 0;
  int evaluated = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string source = mutate(kSeeds[i % kSeeds.size()], rng);
    core::Result<Expression> e = Expression::parse(source);
    if (!e.is_ok()) {
      ASSERT_TRUE(tagged(e.error())) << source << ": " << e.error().to_string();
      ASSERT_LE(e.error().context().column, static_cast<int>(source.size()) + 1) << source;
      continue;
    }
    ++parsed;
    core::Result<Json> r = e.value().evaluate(ctx);
    if (r.is_ok()) {
      ++evaluated;
    } else {
      ASSERT_TRUE(tagged(r.error())) << source << ": " << r.error().to_string();
    }
  }
  // The mutations must exercise both paths, or the test proves little.
  EXPECT_GT(parsed, 500);
  EXPECT_GT(evaluated, 100);
}

TEST(ExpressionRobustnessTest, RandomTokenSoupNeverCrashes) {
  const std::vector<std::string> tokens = {
      "(",   ")",   "[",    "]",    ",",    ".",    "+",   "-",    "*",    "/",       "%",    "!",
      "==",  "!=",  "<",    ">=",   "&&",   "||",   "in",  "not",  "and",  "or",      "1",    "0",
      "2.5", "'s'", "null", "true", "tags", "user", "age", "len(", "min(", "exists(", "nums", "i"};
  std::mt19937 rng(7);
  expr::ObjectScope ctx = testing_util::sample_context();
  for (int i = 0; i < 3000; ++i) {
    std::string source;
    int n = 1 + static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k)
      source += tokens[rng() % tokens.size()] + (rng() % 2 ? " " : "");
    core::Result<Expression> e = Expression::parse(source);
    if (!e.is_ok()) {
      ASSERT_TRUE(tagged(e.error())) << source << ": " << e.error().to_string();
      continue;
    }
    core::Result<Json> r = e.value().evaluate(ctx);
    if (!r.is_ok()) {
      ASSERT_TRUE(tagged(r.error())) << source << ": " << r.error().to_string();
    }
  }
}

}  // namespace
}  // namespace rules
