// core/thread/rw_spin_lock.h: a reader-writer lock for critical sections of
// nanoseconds.
//
// std::shared_mutex (a pthread rwlock) costs ~19 ns to lock and unlock
// exclusively even when nobody else wants it (measured on the 2-core CI
// machine), more than the work a Logic Graph node does under it: setting one
// JSON value. This lock is one atomic word: taking it is one compare-exchange
// and releasing it one store (writer) or one fetch_sub (reader), ~4 ns in all.
//
// Waiters spin with a pause instruction and then yield, so it is only for
// sections far shorter than a scheduler time slice, never for I/O. A writer
// that has to wait raises a flag that keeps new readers out, so a stream of
// readers cannot starve it. Not recursive; a reader may not upgrade.
// Satisfies Lockable and SharedLockable, so std::unique_lock and
// std::shared_lock work with it.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "core/thread/spin.h"

namespace core {

class RwSpinLock {
 public:
  void lock() {
    uint32_t expected = 0;
    if (!state_.compare_exchange_weak(expected, kWriter, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
      lock_slow();
    }
  }
  bool try_lock() {
    uint32_t expected = state_.load(std::memory_order_relaxed) & kWaitingWriter;
    return state_.compare_exchange_strong(expected, kWriter, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }
  // Clears a waiting writer's flag too; it raises it again while it waits.
  void unlock() { state_.store(0, std::memory_order_release); }

  void lock_shared() {
    uint32_t s = state_.load(std::memory_order_relaxed);
    if ((s & (kWriter | kWaitingWriter)) != 0 ||
        !state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
      lock_shared_slow();
    }
  }
  bool try_lock_shared() {
    uint32_t s = state_.load(std::memory_order_relaxed);
    return (s & (kWriter | kWaitingWriter)) == 0 &&
           state_.compare_exchange_strong(s, s + 1, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }
  void unlock_shared() { state_.fetch_sub(1, std::memory_order_release); }

 private:
  static constexpr uint32_t kWriter = 1u << 31;         // held exclusively
  static constexpr uint32_t kWaitingWriter = 1u << 30;  // a writer waits: readers stay out
  // The low 30 bits count the readers.
  static constexpr int kSpinsBeforeYield = 64;

  static void back_off(int& spins) {
    if (++spins < kSpinsBeforeYield) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }

  void lock_slow() {
    for (int spins = 0;;) {
      uint32_t s = state_.load(std::memory_order_relaxed);
      if ((s & ~kWaitingWriter) == 0) {  // neither readers nor a writer
        if (state_.compare_exchange_weak(s, kWriter, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return;
        }
        continue;
      }
      if ((s & kWaitingWriter) == 0) state_.fetch_or(kWaitingWriter, std::memory_order_relaxed);
      back_off(spins);
    }
  }

  void lock_shared_slow() {
    for (int spins = 0;;) {
      uint32_t s = state_.load(std::memory_order_relaxed);
      if ((s & (kWriter | kWaitingWriter)) == 0 &&
          state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return;
      }
      back_off(spins);
    }
  }

  std::atomic<uint32_t> state_{0};
};

}  // namespace core
