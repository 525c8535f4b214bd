// core/exec/work_deque.h: a work-stealing deque of task ids (Chase-Lev).
//
// The owning thread pushes and pops at the bottom without locks; other
// threads steal from the top with one CAS. Capacity is fixed at construction:
// the executor sizes it to the graph, where every task is pushed at most once
// per run, so it never grows. The orderings follow Lê, Pop, Cohen and Zappa
// Nardelli, "Correct and Efficient Work-Stealing for Weak Memory Models"
// (PPoPP 2013), except that the two seq_cst fences are folded into seq_cst
// accesses of top and bottom (the same instructions on x86: the store is an
// xchg instead of mov+mfence), so tools that do not model fences (TSan) can
// check it too.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace core {

class WorkDeque {
 public:
  // Room for at least `capacity` ids.
  explicit WorkDeque(uint32_t capacity);

  // Owner only. Precondition: fewer than capacity ids are in the deque.
  void push(uint32_t id) {
    const int64_t b = bottom_.load(std::memory_order_relaxed);
    buffer_[static_cast<size_t>(b) & mask_].store(id, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_release);
  }

  // Owner only: the most recently pushed id, or false when empty. `id` is
  // written only on success.
  bool pop(uint32_t& id) {
    const int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    bottom_.store(b, std::memory_order_seq_cst);
    int64_t t = top_.load(std::memory_order_seq_cst);
    if (t > b) {
      bottom_.store(b + 1, std::memory_order_relaxed);
      return false;
    }
    const uint32_t value = buffer_[static_cast<size_t>(b) & mask_].load(std::memory_order_relaxed);
    if (t == b) {
      // The last id: race the thieves for it.
      const bool won = top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                                    std::memory_order_relaxed);
      bottom_.store(b + 1, std::memory_order_relaxed);
      if (!won) return false;
    }
    id = value;
    return true;
  }

  // Any thread: the oldest id, or false when empty or lost to another thief.
  // `id` is written only on success.
  bool steal(uint32_t& id) {
    int64_t t = top_.load(std::memory_order_seq_cst);
    const int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t >= b) return false;
    const uint32_t value = buffer_[static_cast<size_t>(t) & mask_].load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      return false;
    }
    id = value;
    return true;
  }

  // Not thread-safe: only while no other thread can touch the deque.
  void reset() {
    top_.store(0, std::memory_order_relaxed);
    bottom_.store(0, std::memory_order_relaxed);
  }

  uint32_t capacity() const { return static_cast<uint32_t>(mask_ + 1); }

 private:
  alignas(64) std::atomic<int64_t> top_{0};
  alignas(64) std::atomic<int64_t> bottom_{0};
  size_t mask_;
  std::unique_ptr<std::atomic<uint32_t>[]> buffer_;
};

}  // namespace core
