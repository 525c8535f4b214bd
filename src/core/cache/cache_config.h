// core/cache/cache_config.h: what a cache is told when it is built.
//
// `CacheConfig` names the eviction policy and the limits. Every limit is
// optional; an unset limit means "unlimited". A limit of zero would make a
// cache that can hold nothing (or, for a TTL, entries that are born expired),
// which is always a caller's mistake, so `validate_cache_config` rejects it
// with kInvalidArgument and the offending field named.
//
// `CacheClock` lets tests drive time by hand instead of sleeping. A cache
// reads the clock only for entries that carry a TTL, so a cache without TTLs
// never pays for it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

#include "core/error.h"

namespace core {

enum class EvictionPolicy {
  kLru,   // evict the least recently used entry
  kLfu,   // evict the least frequently used entry; ties go to the least recently used.
          // Use counts never decay: an entry once popular stays until it is erased or expires.
  kFifo,  // evict the oldest insertion; updating a key does not make it younger
  kNone,  // never evict: a put that does not fit fails with kCapacityExceeded
};

// "lru", "lfu", "fifo" or "none".
const char* eviction_policy_name(EvictionPolicy policy);

struct CacheConfig {
  EvictionPolicy policy = EvictionPolicy::kLru;
  std::optional<std::size_t> max_entries;  // at most this many entries
  std::optional<std::size_t> max_bytes;    // sum of entry sizes, as the size function counts them
  std::optional<std::chrono::nanoseconds> default_ttl;  // for puts that give no TTL of their own
};

// OK, or kInvalidArgument naming the field ("policy", "max_entries",
// "max_bytes", "default_ttl") that is zero, negative or out of range.
Status validate_cache_config(const CacheConfig& config);

// The time source for TTLs. An empty function means std::chrono::steady_clock.
using CacheClock = std::function<std::chrono::steady_clock::time_point()>;

}  // namespace core
