// core/thread/spin.h: the pause instruction for busy-wait loops.
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace core {

// Tells the CPU this is a spin loop: saves power and, on a shared core, lets
// the sibling thread run.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace core
