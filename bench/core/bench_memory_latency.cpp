// The machine's floor for data structures larger than its caches: one
// dependent load (a pointer chase through a random cycle of 64-byte nodes)
// in working sets of 1, 8 and 64 MiB. A cache put at 1e6 entries cannot beat
// the latency of the eviction list's next node; this shows what that is here.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace {

struct alignas(64) Node {
  std::size_t next;
};

void BM_DependentLoad(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0)) * 1024 * 1024 / sizeof(Node);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(1));
  std::vector<Node> nodes(n);
  for (std::size_t i = 0; i < n; ++i)
    nodes[order[i]].next = order[(i + 1) % n];
  std::size_t p = order[0];
  for (auto _ : state) {
    p = nodes[p].next;
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_DependentLoad)->ArgName("MiB")->Arg(1)->Arg(8)->Arg(64);

}  // namespace
