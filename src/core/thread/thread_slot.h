// core/thread/thread_slot.h: a small dense index for the calling thread.
//
// Per-thread state that other threads must be able to read (allocation
// counters) or that an object keeps per thread (a pool's thread caches) lives
// in arrays indexed by this slot instead of in `thread_local` objects, so it
// can be found, summed and freed from any thread.
//
// A slot is unique among live threads and is recycled when its thread exits
// (the exit happens-before the next owner's first use, through a mutex). At
// most `kMaxThreadSlots` threads hold one at once; later threads, and a thread
// that is already running its thread_local destructors, get `kNoThreadSlot`
// and callers must take a shared (locked or atomic) path for them.
#pragma once

#include <cstdint>

namespace core {

inline constexpr uint32_t kMaxThreadSlots = 256;
inline constexpr uint32_t kNoThreadSlot = UINT32_MAX;

namespace detail {
inline constexpr uint32_t kSlotUnassigned = UINT32_MAX - 1;
extern thread_local constinit uint32_t tls_thread_slot;
uint32_t assign_thread_slot();
}  // namespace detail

// Called when a thread gives its slot back, before the slot can be reused, so
// that per-slot state can be folded into shared totals. At most a few hooks
// exist (one per subsystem); registration is for static initialisers.
using ThreadSlotExitHook = void (*)(uint32_t slot);
void add_thread_slot_exit_hook(ThreadSlotExitHook hook);

// The calling thread's slot in [0, kMaxThreadSlots), or kNoThreadSlot.
// Never allocates with operator new, so allocation hooks may call it.
inline uint32_t this_thread_slot() {
  uint32_t slot = detail::tls_thread_slot;
  if (slot < kMaxThreadSlots) [[likely]]
    return slot;
  if (slot == detail::kSlotUnassigned) return detail::assign_thread_slot();
  return kNoThreadSlot;
}

}  // namespace core
