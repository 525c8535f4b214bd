// fuzz/fuzz_expression.cpp: libFuzzer target for the expression language.
//
// Each input is one expression source. It is parsed and, when it parses,
// evaluated against a fixed Context holding a value of every JSON type, so
// the evaluator, operators and functions are fuzzed as well as the parser.
// Beyond "no crash, hang, leak or sanitizer report" it checks the contract of
// expression.h that callers rely on to place errors in a graph file: every
// error is E003 or E010 with a column inside the source (or just past its
// end), and evaluate_bool() agrees with evaluate().
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"
#include "graph/context.h"
#include "rules/expr/expression.h"

namespace {

graph::Context make_context() {
  graph::Context ctx;
  // Key names match fuzz/corpus/expression and fuzz/expression.dict.
  core::Status s = ctx.merge(graph::Json::parse(R"({
    "amount": 150, "price": 12.5, "name": "Ada", "flag": true, "nothing": null, "zero": 0,
    "big": 9223372036854775807, "small": -9223372036854775808, "huge": 18446744073709551615,
    "tiny": 5e-324, "max": 1.7976931348623157e308, "text": "h\u00e9llo",
    "tags": ["a", "b", "c"], "nums": [4, 9.5, -1], "empty": [], "nested": [[1, 2], [3, []]],
    "user": {"age": 30, "name": "Bob", "address": {"city": "Oslo"}, "roles": ["admin"],
             "extra": null, "0": "zero"},
    "obj": {}, "i": 1, "key": "age"
  })"));
  if (!s.is_ok()) {
    std::fprintf(stderr, "fuzz_expression: bad fixed context: %s\n", s.to_string().c_str());
    std::abort();
  }
  return ctx;
}

[[noreturn]] void fail(std::string_view source, const std::string& why) {
  std::fprintf(stderr, "fuzz_expression: %s\n  source: %.*s\n", why.c_str(),
               static_cast<int>(source.size()), source.data());
  std::abort();
}

// Errors must be tagged, and point into the source so a caller can add the
// column to the expression's position in its file.
void check_error(std::string_view source, const core::Error& e, const char* stage) {
  const std::string& tag = e.tag();
  if (tag != "E003" && tag != "E010") {
    fail(source, std::string(stage) + " error without E003/E010: " + e.to_string());
  }
  int column = e.context().column;
  if (column < 1 || static_cast<size_t>(column) > source.size() + 1) {
    fail(source, std::string(stage) + " error column " + std::to_string(column) +
                     " outside the source: " + e.to_string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const graph::Context ctx = make_context();
  std::string_view source(reinterpret_cast<const char*>(data), size);

  core::Result<rules::Expression> parsed = rules::Expression::parse(source);
  if (!parsed.is_ok()) {
    check_error(source, parsed.error(), "parse");
    return 0;
  }
  const rules::Expression& expr = parsed.value();
  if (expr.source() != source) fail(source, "source() differs from the parsed text");

  core::Result<graph::Json> value = expr.evaluate(ctx);
  core::Result<bool> truth = expr.evaluate_bool(ctx);
  if (!value.is_ok()) {
    check_error(source, value.error(), "evaluate");
    // Evaluation is deterministic: evaluate_bool() fails the same way.
    if (truth.is_ok() || truth.error().to_string() != value.error().to_string()) {
      fail(source, "evaluate() failed but evaluate_bool() did not fail the same way: " +
                       value.error().to_string());
    }
    return 0;
  }
  // Touch the whole result, as a caller printing it would. Strings may hold
  // any bytes of the source, so invalid UTF-8 is replaced rather than thrown.
  std::string dumped = value.value().dump(-1, ' ', false, graph::Json::error_handler_t::replace);
  if (value.value().is_boolean()) {
    if (!truth.is_ok() || truth.value() != value.value().get<bool>()) {
      fail(source, "evaluate_bool() disagrees with evaluate() = " + dumped);
    }
  } else if (truth.is_ok()) {
    fail(source, "evaluate_bool() accepted a non-boolean result " + dumped);
  } else {
    check_error(source, truth.error(), "evaluate_bool");
  }
  return 0;
}
