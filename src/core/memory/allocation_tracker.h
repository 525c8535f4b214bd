// core/memory/allocation_tracker.h: what a scope allocated.
//
//   AllocationTracker t;
//   handle_request();
//   t.thread_allocations();  // operator new calls made by this thread inside
//   t.thread_peak_bytes();   // the most this thread held above the start
//   t.total_allocations();   // the same, all threads of the process
//
// Thread figures are exact (they come from this thread's own counters);
// process-wide figures include whatever other threads did meanwhile. Needs the
// lx_core_memhook library linked (see memory_metrics.h); otherwise all zero.
// Trackers nest; a tracker must be destroyed on the thread that made it.
#pragma once

#include <cstdint>

#include "core/memory/memory_metrics.h"

namespace core {

class AllocationTracker {
 public:
  AllocationTracker();
  ~AllocationTracker();
  AllocationTracker(const AllocationTracker&) = delete;
  AllocationTracker& operator=(const AllocationTracker&) = delete;

  uint64_t thread_allocations() const;
  uint64_t thread_deallocations() const;
  uint64_t thread_bytes_allocated() const;
  // Bytes this thread allocated and did not free since the scope began
  // (negative if it freed more than it allocated).
  int64_t thread_net_bytes() const;
  // The highest thread_net_bytes() reached so far in the scope.
  int64_t thread_peak_bytes() const;

  uint64_t total_allocations() const;
  uint64_t total_bytes_allocated() const;
  MemoryDiff total_diff() const;

 private:
  uint32_t slot_;
  uint64_t allocations0_ = 0;
  uint64_t deallocations0_ = 0;
  uint64_t bytes0_ = 0;
  int64_t net0_ = 0;
  int64_t saved_high_ = 0;  // the enclosing scope's mark, restored on exit
  MemorySnapshot total0_;
};

}  // namespace core
