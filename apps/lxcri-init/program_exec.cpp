#include "program_exec.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "privileges.h"

namespace lxcri_init {

ExecFailure exec_program(const runtime::lxc::InitPlan& plan, const std::string& seccomp_bpf,
                         const std::string& program) {
  if (auto e = apply_privileges(plan, seccomp_bpf); !e.empty()) return {e, 1};
  if (::chdir(plan.cwd.c_str()) != 0) {
    return {"cannot change to " + plan.cwd + ": " + std::strerror(errno), 1};
  }
  // The program starts with default signal handling and an empty mask.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  std::vector<std::string> args = plan.args, env = plan.env;
  std::vector<char*> argv, envp;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  ::execve(program.c_str(), argv.data(), envp.data());
  int err = errno;
  return {"exec " + program + ": " + std::strerror(err), err == ENOENT ? 127 : 126};
}

}  // namespace lxcri_init
