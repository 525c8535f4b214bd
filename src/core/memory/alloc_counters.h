// core/memory/alloc_counters.h: the counters the operator new/delete hook
// feeds. Internal to core/memory; users read them through MemoryMetrics and
// AllocationTracker.
//
// Each thread slot owns one cache-line-sized block that only that thread
// writes (relaxed load + store, no read-modify-write), so counting costs a few
// nanoseconds and no lock. Readers sum the blocks. Process-wide current bytes
// need one shared number for the peak: a thread folds its byte delta into it
// only when the delta passes kFlushBytes, and remembers the highest delta it
// reached in between, so the process peak is exact for one thread and off by
// at most kFlushBytes per thread otherwise.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/thread/thread_slot.h"

namespace core::detail {

inline constexpr int64_t kFlushBytes = 16 * 1024;

struct alignas(64) ThreadAllocCounters {
  std::atomic<uint64_t> allocations{0};
  std::atomic<uint64_t> deallocations{0};
  std::atomic<uint64_t> bytes_allocated{0};
  std::atomic<uint64_t> bytes_freed{0};
  // This thread's own net bytes (allocated minus freed by it) and their
  // high-water mark; AllocationTracker resets the mark for a scope.
  std::atomic<int64_t> net_bytes{0};
  std::atomic<int64_t> net_high{0};
  // Bytes not yet folded into the process total, and their high-water mark.
  std::atomic<int64_t> unflushed{0};
  std::atomic<int64_t> unflushed_high{0};
};

extern constinit ThreadAllocCounters thread_alloc_counters[kMaxThreadSlots];
extern constinit std::atomic<bool> alloc_hook_installed;

// Slow paths (memory_metrics.cpp).
void flush_thread_bytes(ThreadAllocCounters& c);
void record_allocation_without_slot(size_t bytes);
void record_deallocation_without_slot(size_t bytes);

template <class T>
inline void bump(std::atomic<T>& counter, T delta) {
  counter.store(counter.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}

inline void record_allocation(size_t bytes) {
  uint32_t slot = this_thread_slot();
  if (slot == kNoThreadSlot) [[unlikely]] {
    record_allocation_without_slot(bytes);
    return;
  }
  ThreadAllocCounters& c = thread_alloc_counters[slot];
  const auto n = static_cast<int64_t>(bytes);
  bump<uint64_t>(c.allocations, 1);
  bump<uint64_t>(c.bytes_allocated, bytes);
  int64_t net = c.net_bytes.load(std::memory_order_relaxed) + n;
  c.net_bytes.store(net, std::memory_order_relaxed);
  if (net > c.net_high.load(std::memory_order_relaxed))
    c.net_high.store(net, std::memory_order_relaxed);
  int64_t unflushed = c.unflushed.load(std::memory_order_relaxed) + n;
  c.unflushed.store(unflushed, std::memory_order_relaxed);
  if (unflushed > c.unflushed_high.load(std::memory_order_relaxed)) {
    c.unflushed_high.store(unflushed, std::memory_order_relaxed);
    if (unflushed > kFlushBytes) flush_thread_bytes(c);
  }
}

inline void record_deallocation(size_t bytes) {
  uint32_t slot = this_thread_slot();
  if (slot == kNoThreadSlot) [[unlikely]] {
    record_deallocation_without_slot(bytes);
    return;
  }
  ThreadAllocCounters& c = thread_alloc_counters[slot];
  const auto n = static_cast<int64_t>(bytes);
  bump<uint64_t>(c.deallocations, 1);
  bump<uint64_t>(c.bytes_freed, bytes);
  bump<int64_t>(c.net_bytes, -n);
  int64_t unflushed = c.unflushed.load(std::memory_order_relaxed) - n;
  c.unflushed.store(unflushed, std::memory_order_relaxed);
  if (unflushed < -kFlushBytes) flush_thread_bytes(c);
}

}  // namespace core::detail
