// lxcri-init/program_exec.h: the last steps of both of the helper's modes
// (the container's init, and a process `lxcri exec` adds): identity and
// limits (privileges.h), the working directory, default signal handling, and
// execve of the program found by exec_lookup.h.
#pragma once

#include <string>

#include "runtime/lxc/init_plan.h"

namespace lxcri_init {

struct ExecFailure {
  std::string message;
  int exit_code = 126;  // as a shell: 127 when the program is missing
};

// Returns only when the program could not be started.
ExecFailure exec_program(const runtime::lxc::InitPlan& plan, const std::string& seccomp_bpf,
                         const std::string& program);

}  // namespace lxcri_init
