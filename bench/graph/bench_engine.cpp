// The Logic Graph engine end to end.
//
// BM_Engine10Nodes/{pooled,fresh}: 10,000 runs of a 10-node graph (rules, one
//   conditional and one subgraph) per iteration, with the Context pool and without it. The
//   system we replace publishes 1.2 s / 16 MB without pooling and 450 ms /
//   2 MB with it; the target is under 50 ms and under 2 MB. Counters: peak
//   bytes the calling thread held above the start during the 10,000 runs, and
//   allocations per run (the new/delete hook is linked in).
// BM_EngineTrivial/{chain1000,parallel1000} vs BM_CoreTasks/...: per-node
//   overhead of the engine on RuleNodes with nothing to do, against the core
//   executor running empty tasks on the same shapes. Target: under 2x.
//   `_untimed`: RunnerOptions::time_nodes off, so no clock reads per node.
#include <benchmark/benchmark.h>

#include <string>

#include "core/exec/executor.h"
#include "core/memory/allocation_tracker.h"
#include "graph/model/loader.h"
#include "graph/run/graph_runner.h"

namespace {

constexpr const char* kTenNodes = R"(
name: order
nodes:
  amount_check: {node_type: RuleNode, condition: "amount > 100"}
  tier_check: {node_type: RuleNode, condition: "tier == 'gold'"}
  discount: {node_type: RuleNode, set: {discount: "amount * 0.1"}}
  route:
    node_type: ConditionalNode
    condition: "amount_check_result && tier_check_result"
    on_true: [premium]
    on_false: [standard]
  premium: {node_type: RuleNode, set: {shipping: "0"}}
  standard: {node_type: RuleNode, set: {shipping: "9.99"}}
  total:
    node_type: SubgraphNode
    input_mapping: {amount: amount, discount: discount}
    output_mapping: {total: total}
    graph:
      nodes:
        net: {node_type: RuleNode, set: {total: "amount - discount"}}
  risk: {node_type: RuleNode, condition: "amount < 10000"}
  audit: {node_type: RuleNode, condition: "risk_result && total > 0"}
  done: RuleNode
edges:
  - {from: amount_check, to: route}
  - {from: tier_check, to: route}
  - {from: route, to: premium}
  - {from: route, to: standard}
  - {from: amount_check, to: discount}
  - {from: discount, to: total}
  - {from: total, to: audit}
  - {from: risk, to: audit}
  - {from: premium, to: done}
  - {from: standard, to: done}
  - {from: audit, to: done}
)";

std::unique_ptr<graph::GraphRunner> make_runner(const std::string& yaml, core::Executor& executor,
                                                graph::RunnerOptions options = {}) {
  auto spec = graph::load_graph_text(yaml, "bench.yaml", ".");
  spec.status().throw_if_error();
  return graph::GraphRunner::create(spec.value(), executor, options).value();
}

void BM_Engine10Nodes(benchmark::State& state, bool pooled) {
  core::Executor executor(core::ExecutorConfig{.workers = 1});
  auto runner = make_runner(kTenNodes, executor, {.pool_contexts = pooled});
  const graph::Json input = {{"amount", 250}, {"tier", "gold"}, {"user", 77}};
  constexpr int kRuns = 10000;
  int64_t peak = 0;
  uint64_t allocations = 0;
  for (auto _ : state) {
    core::AllocationTracker tracker;
    for (int i = 0; i < kRuns; ++i) {
      auto r = runner->run(input);
      if (!r.is_ok()) state.SkipWithError(r.error().to_string().c_str());
    }
    peak = std::max(peak, tracker.thread_peak_bytes());
    allocations = tracker.thread_allocations();
  }
  state.counters["peak_bytes"] = static_cast<double>(peak);
  state.counters["allocs_per_run"] = static_cast<double>(allocations) / kRuns;
}
BENCHMARK_CAPTURE(BM_Engine10Nodes, pooled, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine10Nodes, fresh, false)->Unit(benchmark::kMillisecond);

std::string trivial_graph(bool chain) {
  std::string yaml = "nodes:\n";
  for (int i = 0; i < 1000; ++i)
    yaml += "  n" + std::to_string(i) + ": RuleNode\n";
  if (chain) {
    yaml += "edges:\n";
    for (int i = 1; i < 1000; ++i) {
      yaml += "  - {from: n" + std::to_string(i - 1) + ", to: n" + std::to_string(i) + "}\n";
    }
  }
  return yaml;
}

void per_node(benchmark::State& state) {
  state.counters["per_node"] = benchmark::Counter(
      1000, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_EngineTrivial(benchmark::State& state, bool chain, bool time_nodes) {
  core::Executor executor(core::ExecutorConfig{.workers = 1});
  auto runner = make_runner(trivial_graph(chain), executor,
                            graph::RunnerOptions{.pool_contexts = true, .time_nodes = time_nodes});
  const graph::Json input = graph::Json::object();
  for (auto _ : state) {
    auto r = runner->run(input);
    if (!r.is_ok()) state.SkipWithError(r.error().to_string().c_str());
  }
  per_node(state);
}
BENCHMARK_CAPTURE(BM_EngineTrivial, chain1000, true, true)->UseRealTime();
BENCHMARK_CAPTURE(BM_EngineTrivial, parallel1000, false, true)->UseRealTime();
BENCHMARK_CAPTURE(BM_EngineTrivial, chain1000_untimed, true, false)->UseRealTime();
BENCHMARK_CAPTURE(BM_EngineTrivial, parallel1000_untimed, false, false)->UseRealTime();

// The core executor's raw figure on the same shapes: empty tasks.
void BM_CoreTasks(benchmark::State& state, bool chain) {
  core::Executor executor(core::ExecutorConfig{.workers = 1});
  core::TaskGraph g;
  for (uint32_t i = 0; i < 1000; ++i) {
    (void)g.add("n" + std::to_string(i), [] {}).value();
    if (chain && i > 0) g.precede(i - 1, i).throw_if_error();
  }
  for (auto _ : state) {
    if (!executor.run(g).is_ok()) state.SkipWithError("run failed");
  }
  per_node(state);
}
BENCHMARK_CAPTURE(BM_CoreTasks, chain1000, true)->UseRealTime();
BENCHMARK_CAPTURE(BM_CoreTasks, parallel1000, false)->UseRealTime();

}  // namespace
