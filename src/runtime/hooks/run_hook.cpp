#include "runtime/hooks/run_hook.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
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

// Feeds `state_json` to the hook's stdin (`writer`, non-blocking) while
// waiting for it to exit, at most `timeout_seconds` (0: no limit). A hook
// that never reads a large state must still time out. True when it timed out
// (it was killed).
bool feed_and_wait(pid_t pid, int writer, const std::string& state_json, int timeout_seconds) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    // No pidfd (a kernel before 5.3): the state is written blocking and the
    // hook is waited for without a deadline.
    ::fcntl(writer, F_SETFL, 0);
    for (std::size_t done = 0; done < state_json.size();) {
      ssize_t w = ::write(writer, state_json.data() + done, state_json.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      done += static_cast<std::size_t>(w);
    }
    ::close(writer);
    return false;
  }
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
  bool timed_out = false;
  std::size_t done = 0;
  for (;;) {
    if (writer >= 0 && done == state_json.size()) {
      ::close(writer);
      writer = -1;
    }
    int wait_ms = -1;
    if (timeout_seconds > 0) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        timed_out = true;
        ::kill(pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left, 1 << 30));
    }
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {writer, POLLOUT, 0}};
    int n = ::poll(fds, writer >= 0 ? 2 : 1, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || fds[0].revents) break;  // poll failed, or the hook exited
    if (writer >= 0 && fds[1].revents) {
      ssize_t w = ::write(writer, state_json.data() + done, state_json.size() - done);
      if (w > 0) {
        done += static_cast<std::size_t>(w);
      } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        done = state_json.size();  // the hook closed its stdin: stop writing
      }
    }
  }
  if (writer >= 0) ::close(writer);
  ::close(pidfd);
  return timed_out;
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
    std::string error = name + ": fork: " + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return error;
  }
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::execve(hook.path.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  // A hook that does not read its stdin must not kill us with SIGPIPE.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  bool timed_out = feed_and_wait(pid, in[1], state_json, hook.timeout_seconds);
  ::sigaction(SIGPIPE, &old, nullptr);
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
