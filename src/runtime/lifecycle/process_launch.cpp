#include "runtime/lifecycle/process_launch.h"

#include <fcntl.h>
#include <stdlib.h>

#include <cerrno>
#include <cstdio>

#include "oci/store/posix_file.h"
#include "runtime/lxc/fd_channel.h"

namespace runtime::lifecycle {

using core::Error;
using core::ErrorCode;

lxc::InitPlan process_plan(const spec::Process& p, bool seccomp) {
  lxc::InitPlan plan;
  plan.args = p.args;
  plan.env = p.env;
  plan.cwd = p.cwd;
  plan.uid = p.user.uid;
  plan.gid = p.user.gid;
  plan.additional_gids = p.user.additional_gids;
  plan.umask = p.user.umask;
  if (p.capabilities) {
    plan.set_capabilities = true;
    plan.capabilities[0] = p.capabilities->bounding;
    plan.capabilities[1] = p.capabilities->effective;
    plan.capabilities[2] = p.capabilities->inheritable;
    plan.capabilities[3] = p.capabilities->permitted;
    plan.capabilities[4] = p.capabilities->ambient;
  }
  plan.no_new_privileges = p.no_new_privileges;
  plan.seccomp = seccomp;
  plan.terminal = p.terminal;
  if (p.console_size) {
    plan.console_height = p.console_size->height;
    plan.console_width = p.console_size->width;
  }
  return plan;
}

core::Status check_terminal(const spec::Process& process, const std::string& console_socket,
                            const TerminalSink& sink, const std::string& file,
                            const std::string& field) {
  if (process.terminal && console_socket.empty() && !sink) {
    return Error(ErrorCode::kInvalidArgument,
                 "the process asks for a terminal: pass --console-socket to receive it (or run "
                 "in the foreground)")
        .with_file(file)
        .with_field(field);
  }
  if (!process.terminal && !console_socket.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "--console-socket needs a terminal, and the process asks for none")
        .with_file(file)
        .with_field(field);
  }
  return {};
}

core::Status deliver_terminal(int master, const std::string& console_socket,
                              const TerminalSink& sink) {
  if (console_socket.empty()) return sink(master);
  char name[64] = "";
  if (::ptsname_r(master, name, sizeof name) != 0) std::snprintf(name, sizeof name, "/dev/ptmx");
  std::string error = lxc::send_to_console_socket(console_socket, master, name);
  if (!error.empty()) return Error(ErrorCode::kFailedPrecondition, error);
  return {};
}

core::Status write_pid_file(const std::string& path, pid_t pid) {
  std::string tmp = path + ".lxcri-tmp";
  auto fd = oci::store::open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!fd) return fd.error();
  if (auto s = oci::store::write_all(fd.value().get(), std::to_string(pid), tmp); !s) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return oci::store::sys_error("rename", path, errno);
  return {};
}

}  // namespace runtime::lifecycle
