// The parallel DAG executor against oneTBB's flow graph and a plain
// sequential loop, on identical graphs with identical trivial node work (one
// relaxed atomic increment), 2 threads, graphs built once and run many times.
// Counter "per_node" is the time per node.
#include <benchmark/benchmark.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <memory>
#include <random>
#include <vector>

#include "core/exec/executor.h"

namespace {

std::atomic<uint64_t> work_counter{0};
inline void node_work() {
  work_counter.fetch_add(1, std::memory_order_relaxed);
}

// Dear node work, ~2 us of arithmetic, where a second thread should pay off.
void dear_work() {
  uint64_t x = work_counter.fetch_add(1, std::memory_order_relaxed);
  for (int i = 0; i < 1500; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    benchmark::DoNotOptimize(x);
  }
}

// A shape as plain edges, so every contender builds exactly the same graph.
struct Shape {
  uint32_t nodes = 0;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
};

Shape chain(uint32_t n) {
  Shape s{n, {}};
  for (uint32_t i = 1; i < n; ++i)
    s.edges.emplace_back(i - 1, i);
  return s;
}

// 1 -> width -> 1
Shape fan(uint32_t width) {
  Shape s{width + 2, {}};
  for (uint32_t i = 1; i <= width; ++i) {
    s.edges.emplace_back(0, i);
    s.edges.emplace_back(i, width + 1);
  }
  return s;
}

// `layers` layers of `width` nodes; each node below the first has ~3 distinct
// predecessors in the layer above (fixed seed).
Shape layered(uint32_t layers, uint32_t width) {
  Shape s{layers * width, {}};
  std::mt19937 rng(7);
  for (uint32_t l = 1; l < layers; ++l) {
    for (uint32_t i = 0; i < width; ++i) {
      uint32_t picks[3];
      for (int k = 0; k < 3; ++k) {
        uint32_t p;
        do {
          p = rng() % width;
        } while ((k > 0 && p == picks[0]) || (k > 1 && p == picks[1]));
        picks[k] = p;
        s.edges.emplace_back((l - 1) * width + p, l * width + i);
      }
    }
  }
  return s;
}

Shape single() {
  return Shape{1, {}};
}

struct NamedShape {
  const char* name;
  Shape shape;
  void (*work)() = node_work;
};

const std::vector<NamedShape>& shapes() {
  static const std::vector<NamedShape> all = {{"chain1000", chain(1000)},
                                              {"fan1000", fan(1000)},
                                              {"layered10000", layered(100, 100)},
                                              {"single", single()},
                                              {"layered1000_dear", layered(10, 100), dear_work}};
  return all;
}

void report(benchmark::State& state, const Shape& s) {
  state.counters["per_node"] = benchmark::Counter(
      static_cast<double>(s.nodes),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Executor(benchmark::State& state, const Shape& s, void (*work)()) {
  core::Executor ex(core::ExecutorConfig{.workers = 1});  // + the caller = 2 threads
  core::TaskGraph g;
  for (uint32_t i = 0; i < s.nodes; ++i)
    (void)g.add("n" + std::to_string(i), work).value();
  for (auto [a, b] : s.edges)
    g.precede(a, b).throw_if_error();
  g.validate().throw_if_error();
  for (auto _ : state) {
    if (!ex.run(g).is_ok()) state.SkipWithError("run failed");
  }
  report(state, s);
}

void BM_TBBFlow(benchmark::State& state, const Shape& s, void (*work)()) {
  static tbb::global_control two_threads(tbb::global_control::max_allowed_parallelism, 2);
  using Node = tbb::flow::continue_node<tbb::flow::continue_msg>;
  tbb::flow::graph g;
  std::vector<std::unique_ptr<Node>> nodes;
  std::vector<bool> has_pred(s.nodes);
  for (uint32_t i = 0; i < s.nodes; ++i) {
    nodes.push_back(std::make_unique<Node>(g, [work](const tbb::flow::continue_msg&) { work(); }));
  }
  for (auto [a, b] : s.edges) {
    tbb::flow::make_edge(*nodes[a], *nodes[b]);
    has_pred[b] = true;
  }
  std::vector<Node*> roots;
  for (uint32_t i = 0; i < s.nodes; ++i) {
    if (!has_pred[i]) roots.push_back(nodes[i].get());
  }
  for (auto _ : state) {
    for (Node* r : roots)
      r->try_put(tbb::flow::continue_msg());
    g.wait_for_all();
  }
  report(state, s);
}

// The floor: one thread walking a precomputed topological order.
void BM_Sequential(benchmark::State& state, const Shape& s, void (*work)()) {
  core::Dag dag;
  for (uint32_t i = 0; i < s.nodes; ++i)
    dag.add_node("n" + std::to_string(i)).throw_if_error();
  for (auto [a, b] : s.edges) {
    dag.add_edge("n" + std::to_string(a), "n" + std::to_string(b)).throw_if_error();
  }
  std::vector<core::Dag::NodeIndex> order = dag.topological_indices().value();
  std::vector<void (*)()> tasks(s.nodes, work);
  for (auto _ : state) {
    for (auto i : order)
      tasks[i]();
  }
  report(state, s);
}

// Registers BM_Executor/chain1000, BM_TBBFlow/chain1000, ... for every shape.
const int registered = [] {
  for (const NamedShape& ns : shapes()) {
    const std::string suffix = std::string("/") + ns.name;
    benchmark::RegisterBenchmark(("BM_Executor" + suffix).c_str(), BM_Executor, ns.shape, ns.work)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("BM_TBBFlow" + suffix).c_str(), BM_TBBFlow, ns.shape, ns.work)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("BM_Sequential" + suffix).c_str(), BM_Sequential, ns.shape,
                                 ns.work)
        ->UseRealTime();
  }
  return 0;
}();

}  // namespace
