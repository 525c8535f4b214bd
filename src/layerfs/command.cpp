#include "layerfs/command.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace layerfs {

namespace {

constexpr int kNotInstalled = 127;

std::string shown(const std::vector<std::string>& argv) {
  std::string out;
  for (size_t i = 0; i < argv.size() && i < 4; ++i)
    out += (i == 0 ? "" : " ") + argv[i];
  return argv.size() > 4 ? out + " ..." : out;
}

// Reads both pipes to their ends without either filling up.
void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* into[2] = {&out, &err};
  int open = 2;
  char buf[4096];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        into[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

}  // namespace

core::Result<std::string> run_command(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return core::Error(core::ErrorCode::kInternal, "pipe: " + std::string(std::strerror(errno)));
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return core::Error(core::ErrorCode::kInternal, "pipe: " + std::string(std::strerror(errno)));
  }
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::execvp(args[0], args.data());
    ::_exit(kNotInstalled);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  std::string out, err;
  if (pid > 0) drain(out_pipe[0], err_pipe[0], out, err);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  if (pid < 0) {
    return core::Error(core::ErrorCode::kInternal, "fork: " + std::string(std::strerror(errno)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return core::Error(core::ErrorCode::kInternal,
                         shown(argv) + ": waitpid: " + std::strerror(errno));
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return out;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kNotInstalled && err.empty()) {
    return core::Error(core::ErrorCode::kNotFound, argv[0] + " is not installed");
  }
  while (!err.empty() && (err.back() == '\n' || err.back() == ' '))
    err.pop_back();
  return core::Error(core::ErrorCode::kInternal,
                     shown(argv) + ": " +
                         (WIFEXITED(status) ? "exited " + std::to_string(WEXITSTATUS(status))
                                            : std::string("killed")) +
                         (err.empty() ? "" : ": " + err));
}

}  // namespace layerfs
