#include "core/memory/allocation_tracker.h"

#include <algorithm>

#include "core/memory/alloc_counters.h"

namespace core {

namespace {
detail::ThreadAllocCounters* counters(uint32_t slot) {
  return slot == kNoThreadSlot ? nullptr : &detail::thread_alloc_counters[slot];
}
}  // namespace

AllocationTracker::AllocationTracker() : slot_(this_thread_slot()) {
  if (auto* c = counters(slot_)) {
    allocations0_ = c->allocations.load(std::memory_order_relaxed);
    deallocations0_ = c->deallocations.load(std::memory_order_relaxed);
    bytes0_ = c->bytes_allocated.load(std::memory_order_relaxed);
    net0_ = c->net_bytes.load(std::memory_order_relaxed);
    // Start a fresh high-water mark for this scope; the old one comes back,
    // raised by ours, when the scope ends.
    saved_high_ = c->net_high.load(std::memory_order_relaxed);
    c->net_high.store(net0_, std::memory_order_relaxed);
  }
  total0_ = MemoryMetrics::snapshot();
}

AllocationTracker::~AllocationTracker() {
  if (auto* c = counters(slot_)) {
    const int64_t ours = c->net_high.load(std::memory_order_relaxed);
    c->net_high.store(std::max(saved_high_, ours), std::memory_order_relaxed);
  }
}

uint64_t AllocationTracker::thread_allocations() const {
  auto* c = counters(slot_);
  return c ? c->allocations.load(std::memory_order_relaxed) - allocations0_ : 0;
}

uint64_t AllocationTracker::thread_deallocations() const {
  auto* c = counters(slot_);
  return c ? c->deallocations.load(std::memory_order_relaxed) - deallocations0_ : 0;
}

uint64_t AllocationTracker::thread_bytes_allocated() const {
  auto* c = counters(slot_);
  return c ? c->bytes_allocated.load(std::memory_order_relaxed) - bytes0_ : 0;
}

int64_t AllocationTracker::thread_net_bytes() const {
  auto* c = counters(slot_);
  return c ? c->net_bytes.load(std::memory_order_relaxed) - net0_ : 0;
}

int64_t AllocationTracker::thread_peak_bytes() const {
  auto* c = counters(slot_);
  return c ? c->net_high.load(std::memory_order_relaxed) - net0_ : 0;
}

uint64_t AllocationTracker::total_allocations() const {
  return MemoryMetrics::snapshot().allocations - total0_.allocations;
}

uint64_t AllocationTracker::total_bytes_allocated() const {
  return MemoryMetrics::snapshot().bytes_allocated - total0_.bytes_allocated;
}

MemoryDiff AllocationTracker::total_diff() const {
  return diff(total0_, MemoryMetrics::snapshot());
}

}  // namespace core
