// core/memory/memory_metrics.h: process-wide allocation counts, fed for real.
//
// The numbers come from the replaced global operator new/delete in the
// `lx_core_memhook` library (new_delete_hook.cpp). A binary opts in by linking
// that library; without it every count stays zero and hook_installed() says so,
// so nobody mistakes "not measured" for "allocates nothing".
//
// Byte counts are the allocator's usable sizes (malloc_usable_size), taken on
// both allocation and release so that current bytes return to where they were
// when everything is freed. Blocks obtained from malloc() directly, not
// through operator new, are not counted.
#pragma once

#include <cstdint>
#include <string>

namespace core {

struct MemorySnapshot {
  uint64_t allocations = 0;
  uint64_t deallocations = 0;
  uint64_t bytes_allocated = 0;
  uint64_t bytes_freed = 0;
  int64_t current_bytes = 0;  // bytes_allocated - bytes_freed
  uint64_t peak_bytes = 0;    // highest current_bytes since start or reset_peak()
};

// The change between two snapshots, e.g. around a request.
struct MemoryDiff {
  int64_t allocations = 0;
  int64_t deallocations = 0;
  int64_t bytes_allocated = 0;
  int64_t bytes_freed = 0;
  int64_t current_bytes = 0;  // > 0: memory still held that was not held before
  uint64_t peak_bytes = 0;    // the later snapshot's peak

  // One line, e.g. "allocs +12 frees +10 allocated +1.2 KiB freed +896 B net +320 B peak 4.0 MiB"
  std::string format() const;
};

MemoryDiff diff(const MemorySnapshot& before, const MemorySnapshot& after);

// "1.5 KiB"-style sizes for reports.
std::string format_bytes(int64_t bytes);

class MemoryMetrics {
 public:
  // True when the binary links lx_core_memhook and counts are real.
  static bool hook_installed();
  // Sums every thread's counters. Exact when no other thread is allocating;
  // otherwise a consistent-enough view (each counter is read once).
  static MemorySnapshot snapshot();
  // Restarts the peak from the current bytes (e.g. between benchmark phases).
  static void reset_peak();
};

}  // namespace core
