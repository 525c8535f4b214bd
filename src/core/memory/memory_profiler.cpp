#include "core/memory/memory_profiler.h"

#include <cstdio>

namespace core {

std::string ProfileResult::format() const {
  char time[32];
  const double us = static_cast<double>(duration.count()) / 1000.0;
  if (us >= 1000.0) {
    std::snprintf(time, sizeof time, "%.2f ms", us / 1000.0);
  } else {
    std::snprintf(time, sizeof time, "%.2f us", us);
  }
  std::string out = name + ": " + time + ", " + std::to_string(allocations) + " allocs, " +
                    std::to_string(deallocations) + " frees, " +
                    format_bytes(static_cast<int64_t>(bytes_allocated)) + " allocated, peak " +
                    format_bytes(peak_bytes) + ", net " + format_bytes(net_bytes);
  if (leaked()) out += " (leaked)";
  return out;
}

}  // namespace core
