// core/memory/memory_profiler.h: time and memory of a piece of work.
//
//   ProfileResult r = MemoryProfiler::profile("parse", [&] { parse(doc); });
//   std::puts(r.format().c_str());   // "parse: 1.2 ms, 420 allocs, 96.0 KiB ..."
//   if (r.leaked()) ...              // bytes it allocated and did not free
//
// profile() counts what the calling thread allocates while fn runs (exactly),
// so work it hands to other threads is not included; snapshot()/diff() give
// process-wide figures for that. Needs lx_core_memhook (see memory_metrics.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "core/memory/allocation_tracker.h"
#include "core/memory/memory_metrics.h"

namespace core {

struct ProfileResult {
  std::string name;
  std::chrono::nanoseconds duration{0};
  uint64_t allocations = 0;
  uint64_t deallocations = 0;
  uint64_t bytes_allocated = 0;
  int64_t net_bytes = 0;   // allocated and still held when fn returned
  int64_t peak_bytes = 0;  // the most held above the start while fn ran

  // The leak check: fn returned holding memory it allocated.
  bool leaked() const { return net_bytes > 0; }
  std::string format() const;
};

class MemoryProfiler {
 public:
  template <class Fn>
  static ProfileResult profile(std::string name, Fn&& fn) {
    AllocationTracker tracker;
    const auto start = std::chrono::steady_clock::now();
    std::forward<Fn>(fn)();
    const auto stop = std::chrono::steady_clock::now();
    ProfileResult r;
    r.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start);
    r.allocations = tracker.thread_allocations();
    r.deallocations = tracker.thread_deallocations();
    r.bytes_allocated = tracker.thread_bytes_allocated();
    r.net_bytes = tracker.thread_net_bytes();
    r.peak_bytes = tracker.thread_peak_bytes();
    r.name = std::move(name);
    return r;
  }

  static MemorySnapshot snapshot() { return MemoryMetrics::snapshot(); }
  static MemoryDiff diff(const MemorySnapshot& before, const MemorySnapshot& after) {
    return core::diff(before, after);
  }
};

}  // namespace core
