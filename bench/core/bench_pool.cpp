// ObjectPool acquire+release, one and two threads, with and without stats,
// and the old system's acceptance figure (1000 acquire/release).
#include <benchmark/benchmark.h>

#include <array>

#include "core/memory/object_pool.h"

namespace {

struct Payload {
  std::array<char, 64> bytes{};
};

template <bool kTrackStats>
core::ObjectPool<Payload>& shared_pool() {
  static core::ObjectPool<Payload> pool(core::PoolConfig{.track_stats = kTrackStats});
  return pool;
}

template <bool kTrackStats>
void BM_PoolAcquireRelease(benchmark::State& state) {
  auto& pool = shared_pool<kTrackStats>();
  for (auto _ : state) {
    core::Pooled<Payload> p = pool.acquire();
    benchmark::DoNotOptimize(p.get());
  }
}
BENCHMARK(BM_PoolAcquireRelease<false>)
    ->Name("BM_PoolAcquireRelease/nostats")
    ->Threads(1)
    ->Threads(2);
BENCHMARK(BM_PoolAcquireRelease<true>)->Name("BM_PoolAcquireRelease/stats")->Threads(1)->Threads(2);

// The peer: what the pool saves, a heap allocation per use.
void BM_NewDeletePayload(benchmark::State& state) {
  for (auto _ : state) {
    auto p = std::make_unique<Payload>();
    benchmark::DoNotOptimize(p.get());
  }
}
BENCHMARK(BM_NewDeletePayload)->Threads(1)->Threads(2);

// Old system's promise: 1000 acquire/release in under 50 ms.
void BM_AcceptancePool1000(benchmark::State& state) {
  core::ObjectPool<Payload> pool;
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) {
      core::Pooled<Payload> p = pool.acquire();
      benchmark::DoNotOptimize(p.get());
    }
  }
}
BENCHMARK(BM_AcceptancePool1000)->Name("BM_Acceptance/pool_1000_acquire_release");

}  // namespace
