// runtime/lifecycle/process_launch.h: what `create` and `exec` share about
// the process they launch (internal to lifecycle/): the helper's plan for
// it, its pid file, and where its terminal goes.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/error.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/lxc/init_plan.h"
#include "runtime/spec/config.h"

namespace runtime::lifecycle {

// The plan's process part: args, env, cwd, user, capabilities,
// no_new_privs, terminal; `seccomp` says a filter comes with it.
lxc::InitPlan process_plan(const spec::Process& process, bool seccomp);

// runc's rules, before anything is made: a terminal needs a console socket
// or a sink (a caller in the foreground), and a console socket needs a
// terminal. `file` and `field` name the process in the error.
core::Status check_terminal(const spec::Process& process, const std::string& console_socket,
                            const TerminalSink& sink, const std::string& file,
                            const std::string& field);

// Hands `master` to the console socket when there is one, else to `sink`.
core::Status deliver_terminal(int master, const std::string& console_socket,
                              const TerminalSink& sink);

// Writes `pid` to `path` through a temporary file and rename.
core::Status write_pid_file(const std::string& path, pid_t pid);

}  // namespace runtime::lifecycle
