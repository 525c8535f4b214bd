#include "core/time/tick_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace core {
namespace {

using std::chrono::milliseconds;

TEST(TickClockTest, TicksNeverGoBackwards) {
  uint64_t last = TickClock::now();
  for (int i = 0; i < 100000; ++i) {
    const uint64_t now = TickClock::now();
    ASSERT_GE(now, last);
    last = now;
  }
}

// A 20 ms sleep measured in ticks, converted by a span around it, is 20 ms
// (a sleep never ends early; it may end late on a busy machine).
TEST(TickClockTest, ASpanConvertsTicksToNanoseconds) {
  TickSpan span;
  span.start();
  const uint64_t before = TickClock::now();
  std::this_thread::sleep_for(milliseconds(20));
  const uint64_t after = TickClock::now();
  std::this_thread::sleep_for(milliseconds(5));
  span.stop();
  const std::chrono::nanoseconds slept = span.to_ns(after - before);
  EXPECT_GE(slept, milliseconds(19)) << "uses_tsc=" << TickClock::uses_tsc();
  EXPECT_LT(slept, milliseconds(2000));
  const std::chrono::nanoseconds whole = span.to_ns(after - span.start_ticks());
  EXPECT_GE(whole, slept);
}

TEST(TickClockTest, UsesTheTscExactlyWhenTheKernelDoes) {
#if defined(__x86_64__)
  std::FILE* f =
      std::fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
  char name[32] = {};
  const bool tsc = f != nullptr && std::fscanf(f, "%31s", name) == 1 && std::string(name) == "tsc";
  if (f != nullptr) std::fclose(f);
  EXPECT_EQ(TickClock::uses_tsc(), tsc);
#else
  EXPECT_FALSE(TickClock::uses_tsc());
#endif
}

}  // namespace
}  // namespace core
