// The expression language: parsing a typical condition once, and evaluating
// compiled expressions against a 10-key Context, which is what every node
// condition and edge rule costs per run. "allocs" counts heap allocations per
// evaluation (the new/delete hook is linked in): number and bool work should
// need none.
#include <benchmark/benchmark.h>

#include <string>

#include "core/memory/allocation_tracker.h"
#include "graph/context.h"
#include "rules/expr/expression.h"

namespace {

graph::Context sample_context() {
  graph::Context ctx;
  ctx.merge(graph::Json::parse(R"({
    "amount": 250, "tier": "gold", "price": 60.5, "qty": 12, "shipping": 9.9,
    "discount": 0.15, "user_id": 77, "region": "eu-north", "attempt": 1,
    "order": {"id": "A-17", "items": [{"price": 4}, {"price": 7.5}, {"price": 12}, {"price": 1}]}
  })"))
      .throw_if_error();
  return ctx;
}

void BM_ExprParse(benchmark::State& state) {
  const std::string source = "user.age >= 18 && amount * 1.2 > limit || tier in ['gold', 'vip']";
  for (auto _ : state) {
    auto e = rules::Expression::parse(source);
    benchmark::DoNotOptimize(e);
  }
  state.SetLabel(std::to_string(source.size()) + " chars");
}
BENCHMARK(BM_ExprParse);

void eval_bench(benchmark::State& state, const char* source) {
  graph::Context ctx = sample_context();
  rules::Expression e = rules::Expression::parse(source).value();
  if (!e.evaluate_bool(ctx).value()) state.SkipWithError("the benchmark condition must be true");
  core::AllocationTracker tracker;
  for (auto _ : state) {
    auto r = e.evaluate_bool(ctx);
    benchmark::DoNotOptimize(r);
  }
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(tracker.thread_allocations()),
                                                benchmark::Counter::kAvgIterations);
}

void BM_ExprEval_compare(benchmark::State& state) {
  eval_bench(state, "amount > 100 && tier == \"gold\"");
}
BENCHMARK(BM_ExprEval_compare)->Name("BM_ExprEval/compare");

void BM_ExprEval_arith(benchmark::State& state) {
  eval_bench(state, "(price * qty + shipping) * (1 - discount) > 500");
}
BENCHMARK(BM_ExprEval_arith)->Name("BM_ExprEval/arith");

void BM_ExprEval_path(benchmark::State& state) {
  eval_bench(state, "order.items[2].price >= 10");
}
BENCHMARK(BM_ExprEval_path)->Name("BM_ExprEval/path");

}  // namespace
