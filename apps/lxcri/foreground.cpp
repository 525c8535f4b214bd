#include "foreground.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <initializer_list>
#include <string>

namespace lxcri {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

volatile sig_atomic_t g_forward_to = 0;
volatile sig_atomic_t g_pending[NSIG] = {};
volatile sig_atomic_t g_resized = 0;

void forward_signal(int sig) {
  int saved = errno;
  if (g_forward_to > 0) {
    ::kill(g_forward_to, sig);
  } else {
    g_pending[sig] = 1;  // passed on once the process exists
  }
  errno = saved;
}
void note_resize(int) {
  g_resized = 1;
}

void handle(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  ::sigaction(sig, &sa, nullptr);
}

bool write_all(int fd, const char* data, ssize_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, static_cast<std::size_t>(size));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= n;
  }
  return true;
}

void copy_window_size(int master) {
  winsize size{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0) ::ioctl(master, TIOCSWINSZ, &size);
}

// Puts stdin in raw mode (keys go to the container's terminal as typed) and
// restores it when done.
class RawStdin {
 public:
  RawStdin() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawStdin() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  bool active() const { return active_; }

 private:
  termios saved_{};
  bool active_ = false;
};

// Copies between our stdio and the pty until the process exits (or every
// process closed the pty). Input waits in `pending` while the terminal is
// full (the program is not reading): writing it blocking could stop us
// reading the program's output, which would then block the program too.
// When our stdout goes away the program's output is still read, and dropped.
void proxy(int master, pid_t pid) {
  RawStdin raw;
  if (raw.active()) {
    handle(SIGWINCH, note_resize);
    copy_window_size(master);
  }
  ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
  int exited = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  std::string pending;
  bool input_open = true, output_open = true;
  char last_input = '\n';
  char buf[16384];
  // What the process wrote last; bounded, since a child it left behind may
  // keep writing to the terminal forever.
  auto drain = [&] {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    for (ssize_t n;
         std::chrono::steady_clock::now() < until && (n = ::read(master, buf, sizeof buf)) > 0;) {
      if (output_open) output_open = write_all(STDOUT_FILENO, buf, n);
    }
  };
  for (;;) {
    if (g_resized) {
      g_resized = 0;
      copy_window_size(master);
    }
    bool want_input = input_open && pending.empty();
    pollfd fds[3] = {{want_input ? STDIN_FILENO : -1, POLLIN, 0},
                     {master, static_cast<short>(POLLIN | (pending.empty() ? 0 : POLLOUT)), 0},
                     {exited, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[2].revents) {  // the process exited: what it wrote last, then done
      drain();
      break;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;  // EIO: every process closed the terminal
      if (output_open) output_open = write_all(STDOUT_FILENO, buf, n);
    }
    if ((fds[1].revents & POLLOUT) && !pending.empty()) {
      ssize_t n = ::write(master, pending.data(), pending.size());
      if (n > 0) pending.erase(0, static_cast<std::size_t>(n));
      if (n < 0 && errno != EINTR && errno != EAGAIN) break;
    }
    if (fds[0].revents) {
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        pending.assign(buf, static_cast<std::size_t>(n));
        last_input = buf[n - 1];
      } else {
        // End of our input: the program reads end of file too (^D; a line
        // without its newline needs a first ^D to be read at all), and we
        // stop watching stdin.
        input_open = false;
        if (!raw.active()) pending = last_input == '\n' ? "\x04" : "\x04\x04";
      }
    }
  }
  if (exited >= 0) ::close(exited);
}

}  // namespace

void forward_signals() {
  for (int sig : kForwarded)
    handle(sig, forward_signal);
}

int wait_in_foreground(pid_t pid, int terminal) {
  forward_signals();
  g_forward_to = pid;
  for (int sig : kForwarded) {
    if (g_pending[sig]) {
      g_pending[sig] = 0;
      ::kill(pid, sig);
    }
  }
  if (terminal >= 0) {
    ::signal(SIGPIPE, SIG_IGN);  // a closed stdout must not kill us with the terminal raw
    proxy(terminal, pid);
  }
  int status = 0;
  for (;;) {
    pid_t got = ::waitpid(-1, &status, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return 255;  // no children: someone else reaped it
    if (got == pid) break;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace lxcri
