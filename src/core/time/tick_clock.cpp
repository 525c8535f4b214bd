#include "core/time/tick_clock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace core {

bool TickClock::kernel_keeps_time_with_tsc() {
#if defined(__x86_64__) || defined(__i386__)
  // Plain read(2), not a stream: no allocation (which the memory metrics
  // would count against whoever first asks for the time).
  const int fd = ::open("/sys/devices/system/clocksource/clocksource0/current_clocksource",
                        O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char name[16] = {};
  const ssize_t n = ::read(fd, name, sizeof name - 1);
  ::close(fd);
  return n >= 3 && std::strncmp(name, "tsc", 3) == 0 && (n == 3 || name[3] == '\n');
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
