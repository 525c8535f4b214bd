#include "exec_mode.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "exec_lookup.h"
#include "program_exec.h"
#include "runtime/lxc/fd_channel.h"
#include "runtime/lxc/init_plan.h"
#include "terminal.h"

namespace lxcri_init {
namespace {

bool read_all(int fd, std::string& out) {
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return n == 0;
}

int report(int code, const std::string& why) {
  if (!runtime::lxc::send_line(kExecChannelFd, "error " + why)) {
    std::string line = "lxcri-init: " + why + "\n";
    ssize_t ignored = ::write(2, line.data(), line.size());
    (void)ignored;
  }
  return code;
}

}  // namespace

int run_exec_mode() {
  // Until the program runs, nothing in the container may ptrace us or open
  // our descriptors (the channel to the host) through /proc; execve resets it.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // The channel must close when the program starts: that is the success.
  if (::fcntl(kExecChannelFd, F_SETFD, FD_CLOEXEC) != 0) {
    std::perror("lxcri-init exec: channel");
    return 1;
  }
  std::string bytes, seccomp, error;
  runtime::lxc::InitPlan plan;
  if (!read_all(kExecPlanFd, bytes) || !runtime::lxc::decode(bytes, plan, error)) {
    return report(1, "cannot read the process plan: " +
                         (error.empty() ? std::string(std::strerror(errno)) : error));
  }
  if (!read_all(kExecSeccompFd, seccomp)) {
    return report(1, std::string("cannot read the seccomp filter: ") + std::strerror(errno));
  }
  if (plan.terminal) {
    if (auto e = attach_terminal(plan, kExecChannelFd); !e.empty()) return report(1, e);
  }
  std::string program;
  if (auto e = find_program(plan.args[0], plan.env, plan.cwd, program); !e.empty()) {
    return report(127, e);
  }
  ExecFailure failure = exec_program(plan, seccomp, program);
  return report(failure.exit_code, failure.message);
}

}  // namespace lxcri_init
