// runtime/state/process_probe.h: is a recorded pid still the process we
// started?
//
// A pid alone is not an identity: after the container's init exits, the
// kernel may hand the same number to an unrelated process. The runtime records
// the init's start time (field 22 of /proc/PID/stat, in clock ticks since
// boot) next to its pid, and a process counts as ours only while both match.
// A zombie (exited, not yet reaped by its parent) counts as gone.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace runtime::state {

struct ProcessStat {
  char state = '?';  // R, S, D, Z, T, ...
  std::uint64_t start_time = 0;
  pid_t ppid = 0;
};

// /proc/PID/stat, or nullopt when there is no such process.
std::optional<ProcessStat> read_process_stat(pid_t pid);

// True while `pid` is a live (non-zombie) process that started at `start_time`.
bool process_alive(pid_t pid, std::uint64_t start_time);

}  // namespace runtime::state
