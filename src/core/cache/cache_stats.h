// core/cache/cache_stats.h: what a cache reports about itself.
//
// The counters are cumulative since construction or the last `reset_stats()`;
// `entries` and `bytes` are the current contents. An access that finds an
// expired entry counts as both a miss and an expiration, so `hits + misses`
// is always the number of lookups (find/get) made.
#pragma once

#include <cstddef>
#include <cstdint>

namespace core {

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;    // entries removed by the policy to make room
  std::uint64_t expirations = 0;  // entries removed because their TTL had passed
  std::size_t entries = 0;
  std::size_t bytes = 0;

  // hits / (hits + misses), or 0 before the first lookup.
  double hit_rate() const {
    const std::uint64_t lookups = hits + misses;
    return lookups == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(lookups);
  }

  // Adds `other` field by field; used to total the shards of a ShardedCache.
  CacheStats& operator+=(const CacheStats& other) {
    hits += other.hits;
    misses += other.misses;
    evictions += other.evictions;
    expirations += other.expirations;
    entries += other.entries;
    bytes += other.bytes;
    return *this;
  }
};

}  // namespace core
