// lxcri-init/exec_mode.h: `lxcri-init exec`, the helper as a process `lxcri
// exec` adds to a running container.
//
// `lxcri exec` (runtime/exec/join_container.h) has already moved it into the
// container's cgroups and namespaces (so "/" is the container's root) and
// set its rlimits; it executes the helper from a descriptor opened on the
// host. The helper gets its work on fixed descriptors: 3 the encoded
// InitPlan, 4 the seccomp filter (may be empty), 5 the channel to `lxcri
// exec` (runtime/lxc/fd_channel.h). It opens the terminal when the plan asks
// for one, finds the program, applies the user, capabilities and seccomp,
// and executes it. A failure is reported as "error <why>" on the channel;
// success closes the channel (it is close-on-exec).
#pragma once

namespace lxcri_init {

inline constexpr int kExecPlanFd = 3;
inline constexpr int kExecSeccompFd = 4;
inline constexpr int kExecChannelFd = 5;

// Returns the exit code when the program could not be started.
int run_exec_mode();

}  // namespace lxcri_init
