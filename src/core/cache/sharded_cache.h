// core/cache/sharded_cache.h: a thread-safe Cache, split into locked shards.
//
// A key belongs to one shard, chosen by its hash; each shard is a `Cache`
// with its own mutex, on its own cache line, so threads touching different
// shards neither wait for nor slow down each other. Policies, TTLs and errors
// are Cache's (cache.h), applied per shard: LRU/LFU/FIFO order is kept within
// a shard, not across the whole cache.
//
// Limits are split exactly: with N shards, shard i gets
// floor(max / N) + (i < max % N ? 1 : 0) of max_entries and of max_bytes, so
// the shards together never hold more than the configured limits. Hence each
// limit must be at least N, and an entry must fit in one shard's share of
// max_bytes.
//
// `get` returns a copy made under the lock; no pointer into a shard escapes.
// `size`, `bytes` and `stats` lock the shards one after another, so under
// concurrent writes they are a sum of per-shard snapshots, not one snapshot.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "core/cache/cache.h"
#include "core/cache/cache_config.h"
#include "core/cache/cache_stats.h"
#include "core/cache/slot_index.h"
#include "core/error.h"

namespace core {

namespace cache_detail {

// OK, or kInvalidArgument when validate_cache_config rejects `config`, when
// `shards` is not a power of two (field "shards"), or when a limit is smaller
// than `shards`.
Status validate_sharding(const CacheConfig& config, std::size_t shards);

// Shard `index`'s config: `config` with its limits split as described above.
CacheConfig shard_config(const CacheConfig& config, std::size_t shards, std::size_t index);

}  // namespace cache_detail

template <class K, class V, class Hash = std::hash<K>, class Eq = std::equal_to<K>>
class ShardedCache {
 public:
  using Shard = Cache<K, V, Hash, Eq>;
  using SizeFunction = typename Shard::SizeFunction;
  static constexpr std::size_t kDefaultShards = 16;

  // Returns kInvalidArgument (with the field named) when validate_sharding
  // rejects the arguments. `size` and `clock` are shared by all shards and
  // must be safe to call from several threads at once.
  static Result<ShardedCache> create(CacheConfig config, std::size_t shards = kDefaultShards,
                                     SizeFunction size = {}, CacheClock clock = {}) {
    if (Status status = cache_detail::validate_sharding(config, shards); !status) {
      return status.error();
    }
    return ShardedCache(config, shards, std::move(size), std::move(clock));
  }

  // As create(), but throws core::Exception for rejected arguments.
  explicit ShardedCache(const CacheConfig& config, std::size_t shards = kDefaultShards,
                        const SizeFunction& size = {}, const CacheClock& clock = {}) {
    cache_detail::validate_sharding(config, shards).throw_if_error();
    shards_.reserve(shards);
    for (std::size_t i = 0; i < shards; ++i) {
      shards_.push_back(
          std::make_unique<Locked>(cache_detail::shard_config(config, shards, i), size, clock));
    }
  }

  Status put(K key, V value) {
    Locked& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    return shard.cache.put(std::move(key), std::move(value));
  }

  Status put(K key, V value, std::chrono::nanoseconds ttl) {
    Locked& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    return shard.cache.put(std::move(key), std::move(value), ttl);
  }

  // A copy of the value under `key`, or nullopt. Counts a hit or a miss.
  std::optional<V> get(const K& key) {
    Locked& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    return shard.cache.get(key);
  }

  bool contains(const K& key) const {
    Locked& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    return shard.cache.contains(key);
  }

  bool erase(const K& key) {
    Locked& shard = shard_for(key);
    std::lock_guard lock(shard.mu);
    return shard.cache.erase(key);
  }

  std::size_t purge_expired() {
    std::size_t purged = 0;
    for (auto& shard : shards_) {
      std::lock_guard lock(shard->mu);
      purged += shard->cache.purge_expired();
    }
    return purged;
  }

  void clear() {
    for (auto& shard : shards_) {
      std::lock_guard lock(shard->mu);
      shard->cache.clear();
    }
  }

  std::size_t size() const { return stats().entries; }
  std::size_t bytes() const { return stats().bytes; }
  std::size_t shard_count() const { return shards_.size(); }

  CacheStats stats() const {
    CacheStats total;
    for (const auto& shard : shards_) {
      std::lock_guard lock(shard->mu);
      total += shard->cache.stats();
    }
    return total;
  }

  void reset_stats() {
    for (auto& shard : shards_) {
      std::lock_guard lock(shard->mu);
      shard->cache.reset_stats();
    }
  }

 private:
  // 64 bytes: the cache line of the x86-64 and most ARM machines we run on.
  // (std::hardware_destructive_interference_size warns under g++ 12.)
  struct alignas(64) Locked {
    Locked(CacheConfig config, const SizeFunction& size, const CacheClock& clock)
        : cache(std::move(config), size, clock) {}
    mutable std::mutex mu;
    Shard cache;
  };

  // The low bits of the mixed hash; each shard's index uses the high bits.
  Locked& shard_for(const K& key) const {
    return *shards_[cache_detail::mix_hash(hash_(key)) & (shards_.size() - 1)];
  }

  std::vector<std::unique_ptr<Locked>> shards_;
  [[no_unique_address]] Hash hash_;
};

}  // namespace core
