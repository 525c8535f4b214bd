#include "runtime/hooks/run_hook.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runtime::hooks {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string run_hook(const HookCommand& hook, const std::string& state_json) {
  std::string name = "hook " + hook.path;
  std::vector<std::string> args =
      hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  std::vector<std::string> env = hook.env;
  std::vector<char*> argv = c_strings(args);
  std::vector<char*> envp = c_strings(env);
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return name + ": pipe: " + std::strerror(errno);
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(in[0]);
    ::close(in[1]);
    return name + ": fork: " + std::strerror(err);
  }
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::execve(hook.path.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  // A hook that does not read its stdin must not kill us with SIGPIPE.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  for (std::size_t done = 0; done < state_json.size();) {
    ssize_t n = ::write(in[1], state_json.data() + done, state_json.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(in[1]);
  ::sigaction(SIGPIPE, &old, nullptr);

  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  bool timed_out = false;
  if (pidfd >= 0 && hook.timeout_seconds > 0) {
    pollfd p{pidfd, POLLIN, 0};
    int n;
    while ((n = ::poll(&p, 1, hook.timeout_seconds * 1000)) < 0 && errno == EINTR) {
    }
    if (n == 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return name + " timed out after " + std::to_string(hook.timeout_seconds) + " s";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return name + " could not be executed (exit status 127)";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    return name + " exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status))
    return name + " was killed by signal " + std::to_string(WTERMSIG(status));
  return {};
}

}  // namespace runtime::hooks
