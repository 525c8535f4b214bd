// runtime/exec/join_container.h: a new process inside a running container,
// the way runc's setns path makes one.
//
// A child of the runtime moves itself into the container's cgroups, sets
// the process's rlimits and OOM score, then joins the init's namespaces
// (the user namespace first, the mount namespace last, which also makes the
// container's root its own) and forks once more, so that its child is inside
// the container's pid namespace. That grandchild executes the static helper
// (`lxcri-init exec`, apps/lxcri-init/exec_mode.h) from a sealed in-memory
// copy (a process in the container cannot write to it through /proc/PID/exe:
// runc's CVE-2019-5736), with the plan on fixed descriptors; the helper
// applies the user, capabilities and seccomp and executes the program. The
// middle child exits at once, so the process is reparented to the caller's
// subreaper (the containerd shim, or `lxcri exec` waiting in the
// foreground), as with runc.
//
// Reports come back over two sockets (runtime/lxc/fd_channel.h): the middle
// child's (the process's host pid, or why it failed), which the process
// never holds, and the helper's (the terminal's master, "error <why>"; end
// of file once the program runs). An exec that takes over 30 s in all
// (frozen or stopped by something in the container) is killed. The residual
// risk: between the fork into the pid namespace and the helper's execve the
// process runs the host's lxcri, not dumpable, so only a process with
// CAP_SYS_PTRACE in the host's user namespace (a privileged container) could
// reach its /proc/PID/exe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "oci/store/posix_file.h"
#include "runtime/spec/config.h"

namespace runtime::exec {

struct JoinRequest {
  pid_t init_pid = 0;                    // whose namespaces are joined
  std::uint64_t init_start_time = 0;     // the same process, not a reused pid
  std::vector<std::string> cgroup_dirs;  // absolute; the process joins each
  std::string helper;                    // the lxcri-init binary
  std::string plan;                      // an encoded lxc::InitPlan
  std::string seccomp_bpf;               // may be empty
  std::vector<spec::Rlimit> rlimits;
  std::optional<int> oom_score_adj;
};

struct JoinedProcess {
  pid_t pid = 0;                  // on the host
  oci::store::UniqueFd pidfd;     // the process, for signals that never hit a reused pid
  oci::store::UniqueFd terminal;  // the pty's master, when the plan asks for one
};

core::Result<JoinedProcess> join_container(const JoinRequest& request);

// SIGKILL through the pidfd (nothing when the process is already gone).
void kill_process(const JoinedProcess& process);

}  // namespace runtime::exec
