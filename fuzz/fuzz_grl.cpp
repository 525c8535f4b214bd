// fuzz/fuzz_grl.cpp: libFuzzer target for the GRL rule file parser.
//
// Each input is one rule file. Beyond "no crash, hang, leak or sanitizer
// report" it checks the parser's contract (rules/grl/grl_parser.h): every
// error names the file and a line and column inside the text (or just past
// its end), and a file that parses has uniquely named rules whose conditions
// evaluate, or fail with a tagged error, against a fixed set of facts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rules/expr/scope.h"
#include "rules/grl/grl_parser.h"

namespace {

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  std::fprintf(stderr, "fuzz_grl: %s\n  text: %.*s\n", why.c_str(), static_cast<int>(text.size()),
               text.data());
  std::abort();
}

// Line and column of the position just past the end of `text`.
std::pair<int, int> end_position(std::string_view text) {
  int line = 1, column = 1;
  for (char c : text) {
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Fact names match fuzz/corpus/grl and fuzz/grl.dict.
  static const rules::expr::ObjectScope facts(rules::expr::Json::parse(R"({
    "Order": {"Qty": 3, "UnitPrice": 2.5, "Total": 0, "Customer": {"Tier": "gold"}},
    "Fact": {"amount": 120, "country": "NO", "tags": ["a"]}, "Flag": true
  })"));
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto set = rules::grl::parse_grl(text, "fuzz.grl");
  if (!set.is_ok()) {
    const core::Error& e = set.error();
    auto [last_line, last_column] = end_position(text);
    int line = e.context().line, column = e.context().column;
    if (e.context().file != "fuzz.grl") fail(text, "error without the file: " + e.to_string());
    if (line < 1 || line > last_line || column < 1 || (line == last_line && column > last_column)) {
      fail(text, "error position outside the text: " + e.to_string());
    }
    return 0;
  }
  for (size_t i = 0; i < set.value().rules.size(); ++i) {
    const rules::grl::Rule& rule = set.value().rules[i];
    for (size_t j = 0; j < i; ++j) {
      if (set.value().rules[j].name == rule.name) fail(text, "two rules named " + rule.name);
    }
    auto truth = rule.when.evaluate_bool(facts);
    if (!truth.is_ok() && truth.error().tag().empty()) {
      fail(text, "untagged evaluation error: " + truth.error().to_string());
    }
  }
  return 0;
}
