#include "core/memory/memory_metrics.h"

#include <algorithm>
#include <cstdio>

#include "core/memory/alloc_counters.h"

namespace core {
namespace detail {

constinit ThreadAllocCounters thread_alloc_counters[kMaxThreadSlots];
constinit std::atomic<bool> alloc_hook_installed{false};

namespace {

// Counts of threads without a slot and of threads that have exited, plus the
// process byte total that slots flush into.
constinit std::atomic<uint64_t> shared_allocations{0};
constinit std::atomic<uint64_t> shared_deallocations{0};
constinit std::atomic<uint64_t> shared_bytes_allocated{0};
constinit std::atomic<uint64_t> shared_bytes_freed{0};
constinit std::atomic<int64_t> process_bytes{0};
constinit std::atomic<int64_t> process_peak{0};

void raise_peak(int64_t candidate) {
  int64_t peak = process_peak.load(std::memory_order_relaxed);
  while (candidate > peak &&
         !process_peak.compare_exchange_weak(peak, candidate, std::memory_order_relaxed)) {
  }
}

// Folds an exiting thread's counters into the shared ones and clears its slot
// for the next owner.
void retire_slot(uint32_t slot) {
  ThreadAllocCounters& c = thread_alloc_counters[slot];
  flush_thread_bytes(c);
  shared_allocations.fetch_add(c.allocations.exchange(0), std::memory_order_relaxed);
  shared_deallocations.fetch_add(c.deallocations.exchange(0), std::memory_order_relaxed);
  shared_bytes_allocated.fetch_add(c.bytes_allocated.exchange(0), std::memory_order_relaxed);
  shared_bytes_freed.fetch_add(c.bytes_freed.exchange(0), std::memory_order_relaxed);
  c.net_bytes.store(0, std::memory_order_relaxed);
  c.net_high.store(0, std::memory_order_relaxed);
}

struct RegisterRetire {
  RegisterRetire() { add_thread_slot_exit_hook(&retire_slot); }
} register_retire;

}  // namespace

void flush_thread_bytes(ThreadAllocCounters& c) {
  const int64_t unflushed = c.unflushed.load(std::memory_order_relaxed);
  const int64_t high = c.unflushed_high.load(std::memory_order_relaxed);
  const int64_t before = process_bytes.fetch_add(unflushed, std::memory_order_relaxed);
  // The highest this thread took the total since its last flush, assuming the
  // others stood still meanwhile.
  raise_peak(before + std::max(high, unflushed));
  c.unflushed.store(0, std::memory_order_relaxed);
  c.unflushed_high.store(0, std::memory_order_relaxed);
}

void record_allocation_without_slot(size_t bytes) {
  shared_allocations.fetch_add(1, std::memory_order_relaxed);
  shared_bytes_allocated.fetch_add(bytes, std::memory_order_relaxed);
  raise_peak(process_bytes.fetch_add(static_cast<int64_t>(bytes), std::memory_order_relaxed) +
             static_cast<int64_t>(bytes));
}

void record_deallocation_without_slot(size_t bytes) {
  shared_deallocations.fetch_add(1, std::memory_order_relaxed);
  shared_bytes_freed.fetch_add(bytes, std::memory_order_relaxed);
  process_bytes.fetch_sub(static_cast<int64_t>(bytes), std::memory_order_relaxed);
}

}  // namespace detail

bool MemoryMetrics::hook_installed() {
  return detail::alloc_hook_installed.load(std::memory_order_relaxed);
}

MemorySnapshot MemoryMetrics::snapshot() {
  using namespace detail;
  MemorySnapshot s;
  s.allocations = shared_allocations.load(std::memory_order_relaxed);
  s.deallocations = shared_deallocations.load(std::memory_order_relaxed);
  s.bytes_allocated = shared_bytes_allocated.load(std::memory_order_relaxed);
  s.bytes_freed = shared_bytes_freed.load(std::memory_order_relaxed);
  int64_t current = process_bytes.load(std::memory_order_relaxed);
  int64_t peak = process_peak.load(std::memory_order_relaxed);
  int64_t pending_high = 0;
  for (const ThreadAllocCounters& c : thread_alloc_counters) {
    s.allocations += c.allocations.load(std::memory_order_relaxed);
    s.deallocations += c.deallocations.load(std::memory_order_relaxed);
    s.bytes_allocated += c.bytes_allocated.load(std::memory_order_relaxed);
    s.bytes_freed += c.bytes_freed.load(std::memory_order_relaxed);
    current += c.unflushed.load(std::memory_order_relaxed);
    pending_high = std::max(pending_high, c.unflushed_high.load(std::memory_order_relaxed));
  }
  s.current_bytes = current;
  // A high-water mark not yet flushed may exceed the recorded peak.
  const int64_t flushed = process_bytes.load(std::memory_order_relaxed);
  s.peak_bytes = static_cast<uint64_t>(std::max({peak, current, flushed + pending_high}));
  return s;
}

void MemoryMetrics::reset_peak() {
  detail::process_peak.store(snapshot().current_bytes, std::memory_order_relaxed);
  for (detail::ThreadAllocCounters& c : detail::thread_alloc_counters) {
    // Only the owner writes these; a racing owner merely keeps a slightly
    // higher mark, which errs on the safe side for a peak.
    c.unflushed_high.store(c.unflushed.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
}

MemoryDiff diff(const MemorySnapshot& before, const MemorySnapshot& after) {
  auto delta = [](uint64_t a, uint64_t b) { return static_cast<int64_t>(b - a); };
  MemoryDiff d;
  d.allocations = delta(before.allocations, after.allocations);
  d.deallocations = delta(before.deallocations, after.deallocations);
  d.bytes_allocated = delta(before.bytes_allocated, after.bytes_allocated);
  d.bytes_freed = delta(before.bytes_freed, after.bytes_freed);
  d.current_bytes = after.current_bytes - before.current_bytes;
  d.peak_bytes = after.peak_bytes;
  return d;
}

std::string format_bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes < 0 ? -bytes : bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  char buf[48];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%s%lld B", bytes < 0 ? "-" : "",
                  static_cast<long long>(bytes < 0 ? -bytes : bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%s%.1f %s", bytes < 0 ? "-" : "", value, units[unit]);
  }
  return buf;
}

std::string MemoryDiff::format() const {
  auto signed_count = [](int64_t n) { return (n >= 0 ? "+" : "") + std::to_string(n); };
  auto signed_bytes = [](int64_t n) { return (n >= 0 ? "+" : "") + format_bytes(n); };
  return "allocs " + signed_count(allocations) + " frees " + signed_count(deallocations) +
         " allocated " + signed_bytes(bytes_allocated) + " freed " + signed_bytes(bytes_freed) +
         " net " + signed_bytes(current_bytes) + " peak " +
         format_bytes(static_cast<int64_t>(peak_bytes));
}

}  // namespace core
