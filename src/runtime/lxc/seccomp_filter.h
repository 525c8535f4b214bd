// runtime/lxc/seccomp_filter.h: linux.seccomp compiled to a BPF program.
//
// The runtime compiles the profile on the host with libseccomp and writes the
// raw BPF program next to the init helper, which loads it with one prctl(2)
// right before executing the user's program: the helper stays a small static
// binary and the filter does not apply to the runtime's own setup work.
// Syscall names this kernel/libseccomp do not know are skipped with a warning,
// as runc does (profiles list syscalls of newer kernels).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "runtime/spec/config.h"

namespace runtime::lxc {

core::Result<std::string> compile_seccomp(const spec::Seccomp& profile,
                                          std::vector<std::string>& warnings);

}  // namespace runtime::lxc
