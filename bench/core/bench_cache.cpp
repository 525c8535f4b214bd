// Benchmarks for core/cache.
//
// BM_Cache/<policy>/{get,put}/<entries>: one operation on a cache holding
//   <entries> uint64 -> uint64 entries. get: keys that hit, drawn before
//   timing from a shuffled array. put: new keys into a full cache, so every
//   put evicts.
// BM_CachePeer/std_lru/...: the textbook LRU (std::list + std::unordered_map)
//   under the same loads, the yardstick for the slot-array design.
// BM_Acceptance/cache_500_puts, cache_200_gets: the previous system's
//   acceptance figures, one batch per iteration.
// BM_ShardedCache/get/<entries>/threads:N: ShardedCache hit path under N threads.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <list>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/cache/cache.h"
#include "core/cache/sharded_cache.h"

namespace core {
namespace {

using Key = std::uint64_t;
using Value = std::uint64_t;
using U64Cache = Cache<Key, Value>;

// Random 64-bit keys, so neither cache profits from a key pattern (std::hash of
// an integer is the identity: sequential keys would make the std peer's
// buckets collision-free). Stored keys are stored_key(0..entries-1); new keys
// for puts come from a second stream. mix_hash is a bijection, so the two
// streams never share a key.
Key stored_key(std::size_t i) {
  return cache_detail::mix_hash(i * 2);
}
Key new_key(std::size_t i) {
  return cache_detail::mix_hash(i * 2 + 1);
}

template <class C>
void fill(C& cache, std::size_t entries) {
  for (std::size_t i = 0; i < entries; ++i) {
    cache.put(stored_key(i), i).throw_if_error();
  }
}

U64Cache full_cache(EvictionPolicy policy, std::size_t entries) {
  CacheConfig config;
  config.policy = policy;
  config.max_entries = entries;
  U64Cache cache(config);
  fill(cache, entries);
  return cache;
}

// A power of two (>= 64Ki) of stored keys in random order, computed before
// timing; the loop walks it with a mask instead of calling an RNG.
std::vector<Key> hit_keys(std::size_t entries) {
  std::size_t count = 1 << 16;
  while (count < entries) {
    count *= 2;
  }
  std::vector<Key> keys(count);
  std::mt19937_64 rng(42);
  for (Key& k : keys) {
    k = stored_key(rng() % entries);
  }
  return keys;
}

// Keys that are not in the cache, twice as many as it holds (and a power of
// two), so that when the loop wraps around, the first ones have long been evicted.
std::vector<Key> miss_keys(std::size_t entries) {
  std::size_t count = 1 << 16;
  while (count < 2 * entries) {
    count *= 2;
  }
  std::vector<Key> keys(count);
  for (std::size_t i = 0; i < count; ++i) {
    keys[i] = new_key(i);
  }
  return keys;
}

void BM_CacheGet(benchmark::State& state, EvictionPolicy policy) {
  const auto entries = static_cast<std::size_t>(state.range(0));
  U64Cache cache = full_cache(policy, entries);
  const std::vector<Key> keys = hit_keys(entries);
  const std::size_t mask = keys.size() - 1;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.find(keys[i++ & mask]));
  }
  if (cache.stats().misses != 0) state.SkipWithError("a get missed");
  state.SetItemsProcessed(state.iterations());
}

void BM_CachePut(benchmark::State& state, EvictionPolicy policy) {
  const auto entries = static_cast<std::size_t>(state.range(0));
  U64Cache cache = full_cache(policy, entries);
  const std::vector<Key> keys = miss_keys(entries);
  const std::size_t mask = keys.size() - 1;
  std::size_t i = 0;
  for (auto _ : state) {
    const Key k = keys[i++ & mask];
    if (!cache.put(k, k).is_ok()) state.SkipWithError("put failed");
  }
  if (cache.stats().evictions != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("a put did not evict");
  state.SetItemsProcessed(state.iterations());
}

// The textbook LRU: a std::list in recency order and an unordered_map to its nodes.
class StdLru {
 public:
  explicit StdLru(std::size_t capacity) : capacity_(capacity) { map_.reserve(capacity); }

  const Value* find(Key key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  void put(Key key, Value value) {
    if (auto it = map_.find(key); it != map_.end()) {
      it->second->second = value;
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (map_.size() == capacity_) {
      map_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, value);
    map_.emplace(key, order_.begin());
  }

 private:
  std::size_t capacity_;
  std::list<std::pair<Key, Value>> order_;
  std::unordered_map<Key, std::list<std::pair<Key, Value>>::iterator> map_;
};

StdLru full_std_lru(std::size_t entries) {
  StdLru cache(entries);
  for (std::size_t i = 0; i < entries; ++i) {
    cache.put(stored_key(i), i);
  }
  return cache;
}

void BM_StdLruGet(benchmark::State& state) {
  const auto entries = static_cast<std::size_t>(state.range(0));
  StdLru cache = full_std_lru(entries);
  const std::vector<Key> keys = hit_keys(entries);
  const std::size_t mask = keys.size() - 1;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.find(keys[i++ & mask]));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_StdLruPut(benchmark::State& state) {
  const auto entries = static_cast<std::size_t>(state.range(0));
  StdLru cache = full_std_lru(entries);
  const std::vector<Key> keys = miss_keys(entries);
  const std::size_t mask = keys.size() - 1;
  std::size_t i = 0;
  for (auto _ : state) {
    const Key k = keys[i++ & mask];
    cache.put(k, k);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Acceptance500Puts(benchmark::State& state) {
  CacheConfig config;
  config.max_entries = 1000;
  for (auto _ : state) {
    U64Cache cache(config);
    for (std::size_t i = 0; i < 500; ++i) {
      if (!cache.put(stored_key(i), i).is_ok()) state.SkipWithError("put failed");
    }
    benchmark::DoNotOptimize(cache.size());
  }
  state.SetItemsProcessed(state.iterations() * 500);
}

void BM_Acceptance200Gets(benchmark::State& state) {
  U64Cache cache = full_cache(EvictionPolicy::kLru, 1000);
  std::vector<Key> keys = hit_keys(1000);
  keys.resize(200);
  for (auto _ : state) {
    for (Key k : keys) {
      benchmark::DoNotOptimize(cache.find(k));
    }
  }
  if (cache.stats().misses != 0) state.SkipWithError("a get missed");
  state.SetItemsProcessed(state.iterations() * 200);
}

constexpr std::size_t kShardedEntries = 1'000'000;

// Built once and shared by every thread and run of the benchmark.
ShardedCache<Key, Value>& shared_sharded_cache() {
  static ShardedCache<Key, Value> cache = [] {
    CacheConfig config;
    config.max_entries = kShardedEntries;
    ShardedCache<Key, Value> c(config);
    fill(c, kShardedEntries);
    return c;
  }();
  return cache;
}

void BM_ShardedCacheGet(benchmark::State& state) {
  ShardedCache<Key, Value>& cache = shared_sharded_cache();
  static const std::vector<Key> keys = hit_keys(kShardedEntries);
  const std::size_t mask = keys.size() - 1;
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * (keys.size() / 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.get(keys[i++ & mask]));
  }
  state.SetItemsProcessed(state.iterations());
}

[[maybe_unused]] const bool kRegistered = [] {
  const std::pair<const char*, EvictionPolicy> policies[] = {{"lru", EvictionPolicy::kLru},
                                                             {"lfu", EvictionPolicy::kLfu},
                                                             {"fifo", EvictionPolicy::kFifo}};
  for (const auto& [name, policy] : policies) {
    const std::string prefix = std::string("BM_Cache/") + name;
    benchmark::RegisterBenchmark((prefix + "/get").c_str(), BM_CacheGet, policy)
        ->Arg(1000)
        ->Arg(1'000'000);
    benchmark::RegisterBenchmark((prefix + "/put").c_str(), BM_CachePut, policy)
        ->Arg(1000)
        ->Arg(1'000'000);
  }
  benchmark::RegisterBenchmark("BM_CachePeer/std_lru/get", BM_StdLruGet)->Arg(1000)->Arg(1'000'000);
  benchmark::RegisterBenchmark("BM_CachePeer/std_lru/put", BM_StdLruPut)->Arg(1000)->Arg(1'000'000);
  benchmark::RegisterBenchmark("BM_Acceptance/cache_500_puts", BM_Acceptance500Puts);
  benchmark::RegisterBenchmark("BM_Acceptance/cache_200_gets", BM_Acceptance200Gets);
  benchmark::RegisterBenchmark("BM_ShardedCache/get", BM_ShardedCacheGet)
      ->Arg(kShardedEntries)
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();
  return true;
}();

}  // namespace
}  // namespace core
