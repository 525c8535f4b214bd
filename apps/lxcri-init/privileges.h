// lxcri-init/privileges.h: the process's identity and limits, applied in the
// order runc applies them: seccomp early only when it must be (no
// no_new_privs: loading it then needs CAP_SYS_ADMIN), user and groups with
// capabilities kept across setuid, the five capability sets, no_new_privs,
// seccomp last. Each returns an empty string or what failed.
#pragma once

#include <string>

#include "runtime/lxc/init_plan.h"

namespace lxcri_init {

// Everything up to (not including) execve. `seccomp_bpf` is the raw filter
// (empty when the plan has none).
std::string apply_privileges(const runtime::lxc::InitPlan& plan, const std::string& seccomp_bpf);

}  // namespace lxcri_init
