#include "core/thread/thread_slot.h"

#include <array>
#include <atomic>
#include <cstdlib>
#include <mutex>

namespace core {
namespace detail {

thread_local constinit uint32_t tls_thread_slot = kSlotUnassigned;

namespace {

constexpr int kMaxExitHooks = 4;

// All of this is constant-initialised: it is used from operator new, possibly
// before any dynamic initialiser has run.
constinit std::mutex slots_mu;
constinit std::array<uint32_t, kMaxThreadSlots> free_slots{};
constinit uint32_t free_count = 0;
constinit uint32_t next_fresh = 0;
constinit std::array<std::atomic<ThreadSlotExitHook>, kMaxExitHooks> exit_hooks{};

void release_slot(uint32_t slot) {
  for (auto& hook : exit_hooks) {
    if (ThreadSlotExitHook h = hook.load(std::memory_order_acquire)) h(slot);
  }
  std::lock_guard lock(slots_mu);
  free_slots[free_count++] = slot;
}

// Gives the slot back when the thread exits. Its destructor runs among the
// thread's thread_local destructors; afterwards the thread uses kNoThreadSlot.
struct SlotReleaser {
  ~SlotReleaser() {
    uint32_t slot = tls_thread_slot;
    tls_thread_slot = kNoThreadSlot;
    if (slot < kMaxThreadSlots) release_slot(slot);
  }
};
thread_local SlotReleaser releaser;

}  // namespace

uint32_t assign_thread_slot() {
  uint32_t slot = kNoThreadSlot;
  {
    std::lock_guard lock(slots_mu);
    if (free_count > 0) {
      slot = free_slots[--free_count];
    } else if (next_fresh < kMaxThreadSlots) {
      slot = next_fresh++;
    }
  }
  tls_thread_slot = slot;
  // Touching the thread_local registers its destructor (glibc allocates that
  // record with calloc, never with operator new).
  (void)&releaser;
  return slot;
}

}  // namespace detail

void add_thread_slot_exit_hook(ThreadSlotExitHook hook) {
  for (auto& slot : detail::exit_hooks) {
    ThreadSlotExitHook expected = nullptr;
    if (slot.compare_exchange_strong(expected, hook, std::memory_order_acq_rel)) return;
    if (expected == hook) return;
  }
  // More subsystems than kMaxExitHooks is a programming error in this project.
  std::abort();
}

}  // namespace core
