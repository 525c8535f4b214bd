// core/memory/pool_config.h: how an ObjectPool is sized, and what it reports.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/error.h"

namespace core {

// The most idle objects one thread may keep for itself (PoolConfig::thread_cache).
inline constexpr size_t kMaxPoolThreadCache = 64;

struct PoolConfig {
  // Idle objects kept in the shared free list; a released object beyond that
  // is destroyed. Must be > 0.
  size_t max_pooled = 1024;
  // Objects created up front into the shared list; at most max_pooled.
  size_t initial_capacity = 0;
  // Count acquisitions, reuses, creations and the peak of idle objects, in
  // per-thread counters (no shared write per call).
  bool track_stats = true;
  // Idle objects each thread keeps in front of the shared list, so acquire and
  // release usually take no lock. Objects in a thread cache count as pooled,
  // so up to max_pooled + thread_cache * threads objects can be idle at once.
  // 0 sends every call through the shared list (strictly max_pooled idle).
  // At most kMaxPoolThreadCache; a value above max_pooled acts as max_pooled.
  size_t thread_cache = 32;

  // kInvalidArgument naming the offending field, or OK.
  Status validate() const;
};

struct PoolStats {
  uint64_t total_acquired = 0;   // acquire() calls
  uint64_t reused = 0;           // acquisitions served by an idle object
  uint64_t created = 0;          // objects made by the factory
  size_t current_pool_size = 0;  // idle objects now (shared list + thread caches)
  size_t peak_pool_size = 0;     // the most idle objects at once

  // reused / total_acquired, 0 before the first acquisition.
  double reuse_rate() const {
    return total_acquired == 0 ? 0.0
                               : static_cast<double>(reused) / static_cast<double>(total_acquired);
  }
};

}  // namespace core
