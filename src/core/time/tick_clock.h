// core/time/tick_clock.h: a cheap clock for timing many short intervals.
//
// steady_clock::now() is a vDSO call of ~29 ns on the CI machine, as much as
// a Logic Graph node costs; the CPU's time-stamp counter (TSC) reads in
// ~10 ns. TickClock reads the TSC where the kernel itself keeps time with it
// (its clocksource is "tsc": the kernel has found it invariant and in step
// across CPUs), and steady_clock's nanoseconds everywhere else.
//
// Ticks are not nanoseconds. A caller timing a batch of intervals (a graph
// run's nodes) brackets the batch with a TickSpan, which reads both clocks at
// its start and end, and converts the batch's tick counts with the rate it
// measured. So no process-wide calibration is needed, and the rate is as
// exact as the batch is long: reading the two clocks takes tens of
// nanoseconds, which over a 10 µs batch is an error under 1%.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace core {

class TickClock {
 public:
  // Whether ticks come from the TSC (else they are steady_clock nanoseconds).
  // Decided once, on first use (so no static initialisation order to mind).
  static bool uses_tsc() {
    static const bool tsc = kernel_keeps_time_with_tsc();
    return tsc;
  }

  static uint64_t now() {
#if defined(__x86_64__) || defined(__i386__)
    if (uses_tsc()) return __rdtsc();
#endif
    return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }

 private:
  static bool kernel_keeps_time_with_tsc();
};

// Both clocks read at the start and at the end of a batch of measurements.
class TickSpan {
 public:
  void start() {
    start_time_ = std::chrono::steady_clock::now();
    start_ticks_ = TickClock::now();
  }
  // Ends the span and measures its rate of nanoseconds per tick.
  void stop();
  std::chrono::steady_clock::time_point start_time() const { return start_time_; }
  uint64_t start_ticks() const { return start_ticks_; }

  // `ticks` (a count measured between start() and stop()) in nanoseconds;
  // only after stop().
  std::chrono::nanoseconds to_ns(uint64_t ticks) const {
    return std::chrono::nanoseconds(
        static_cast<int64_t>(static_cast<double>(ticks) * ns_per_tick_));
  }

 private:
  std::chrono::steady_clock::time_point start_time_;
  uint64_t start_ticks_ = 0;
  double ns_per_tick_ = 1.0;
};

}  // namespace core
