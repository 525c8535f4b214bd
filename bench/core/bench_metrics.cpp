// What the operator new/delete hook adds per allocation: bench_core links
// lx_core_memhook, so `new` here is counted, while malloc/free is the same
// allocator without the hook.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <new>

#include "core/memory/memory_metrics.h"

namespace {

void BM_MetricsHook(benchmark::State& state) {
  if (!core::MemoryMetrics::hook_installed()) state.SkipWithError("hook not linked");
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = ::operator new(size);
    benchmark::DoNotOptimize(p);
    ::operator delete(p);
  }
}
BENCHMARK(BM_MetricsHook)->Name("BM_MetricsHook/new_delete")->Arg(64)->Threads(1)->Threads(2);

void BM_MallocFree(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = std::malloc(size);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}
BENCHMARK(BM_MallocFree)
    ->Name("BM_MetricsHook/malloc_free_baseline")
    ->Arg(64)
    ->Threads(1)
    ->Threads(2);

}  // namespace
