// runtime/exec/join_container.h: a new process inside a running container,
// the way runc's setns path makes one.
//
// A child of the runtime moves itself into the container's cgroups, sets
// the process's rlimits and OOM score, then joins the init's namespaces
// (the user namespace first, the mount namespace last, which also makes the
// container's root its own) and forks once more, so that its child is inside
// the container's pid namespace. That grandchild executes the static helper
// (`lxcri-init exec`, apps/lxcri-init/exec_mode.h) from a descriptor opened on
// the host, with the plan on fixed descriptors; the helper applies the user,
// capabilities and seccomp and executes the program. The middle child exits
// at once, so the process is reparented to the caller's subreaper (the
// containerd shim, or `lxcri exec` waiting in the foreground), as with runc.
//
// Everything comes back over one socket (runtime/lxc/fd_channel.h): the
// process's host pid from the middle child, the terminal's master from the
// helper, "error <why>" from either. End of file after the pid means the
// program runs.
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
  oci::store::UniqueFd terminal;  // the pty's master, when the plan asks for one
};

core::Result<JoinedProcess> join_container(const JoinRequest& request);

}  // namespace runtime::exec
