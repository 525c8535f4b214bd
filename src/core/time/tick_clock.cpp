#include "core/time/tick_clock.h"

#include <fstream>
#include <string>

namespace core {

bool TickClock::kernel_keeps_time_with_tsc() {
#if defined(__x86_64__) || defined(__i386__)
  std::ifstream source("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string name;
  return static_cast<bool>(source >> name) && name == "tsc";
#else
  return false;
#endif
}

void TickSpan::stop() {
  const uint64_t stop_ticks = TickClock::now();
  const auto stop_time = std::chrono::steady_clock::now();
  const uint64_t ticks = stop_ticks - start_ticks_;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(stop_time - start_time_);
  ns_per_tick_ = !TickClock::uses_tsc() || ticks == 0
                     ? 1.0
                     : static_cast<double>(ns.count()) / static_cast<double>(ticks);
}

}  // namespace core
