// lxcri-init: the container's first process, started by liblxc once the
// container is built (runtime/lxc/init_plan.h says what it does and why);
// as `lxcri-init exec`, a process `lxcri exec` adds (exec_mode.h).
//
// It is linked statically: it runs inside images that have no libc at all.
// Its directory (/dev/.lxcri, a read-only bind of the runtime's init dir)
// holds the plan, the sync socket, the start fifo and the seccomp filter.
// Everything it reports before `start` reaches `lxcri create` over the sync
// socket; after `start` it can only write to the container's stderr and exit
// 126/127 like a shell, because `start` has already returned.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "container_setup.h"
#include "exec_lookup.h"
#include "exec_mode.h"
#include "program_exec.h"
#include "runtime/hooks/run_hook.h"
#include "runtime/lxc/fd_channel.h"
#include "runtime/lxc/init_plan.h"
#include "terminal.h"

namespace {

const std::string kDir = "/dev/.lxcri/";

// The exec fifo once open: where a fatal signal's message goes.
int g_exec_fd = -1;

void die(int sig) {
  if (g_exec_fd >= 0) {
    const char msg[] = "lxcri-init: killed by a signal before the program started\n";
    ssize_t ignored = ::write(g_exec_fd, msg, sizeof msg - 1);
    (void)ignored;
  }
  ::_exit(128 + sig);
}

// As pid 1 the helper would ignore every signal it has no handler for.
void die_on_signals() {
  struct sigaction sa {};
  sa.sa_handler = die;
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGSTKFLT, SIGVTALRM,
                  SIGPROF, SIGIO, SIGPWR, SIGXCPU, SIGXFSZ}) {
    ::sigaction(sig, &sa, nullptr);
  }
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig)
    ::sigaction(sig, &sa, nullptr);
}

// Blocks until `lxcri start` writes its byte; false when the writer went away
// without it (the container was deleted instead).
bool wait_for_start(int fd) {
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    char go = 0;
    ssize_t n = ::read(fd, &go, 1);
    if (n == 1) break;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    return false;
  }
  ::close(fd);
  return true;
}

bool read_file(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return n == 0;
}

bool send_line(int fd, const std::string& line) {
  if (runtime::lxc::send_line(fd, line)) return true;
  std::perror("lxcri-init: sync socket");
  return false;
}

std::string read_line(int fd) {
  std::string line;
  int ignored_fd;
  runtime::lxc::receive_line(fd, line, ignored_fd);
  return line;
}

int connect_sync() {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = kDir + "sync";
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("lxcri-init: connect to the runtime");
    ::_exit(1);
  }
  return fd;
}

std::string run_hooks(const std::vector<runtime::lxc::PlanHook>& hooks, const char* kind) {
  if (hooks.empty()) return {};
  std::string state;
  read_file(kDir + "state.json", state);
  for (const auto& h : hooks) {
    std::string e = runtime::hooks::run_hook({h.path, h.args, h.env, h.timeout_seconds}, state);
    if (!e.empty()) return std::string(kind) + " " + e;
  }
  return {};
}

// Everything before `start`: an empty string, or why the container cannot run.
// The terminal, when asked for, goes to `create` over `sync`.
std::string prepare(const runtime::lxc::InitPlan& plan, int sync, std::string& program) {
  if (auto e = lxcri_init::create_default_links(); !e.empty()) return e;
  if (auto e = lxcri_init::create_devices(plan.devices); !e.empty()) return e;
  // runc creates a missing working directory; so do we.
  struct stat st;
  if (::stat(plan.cwd.c_str(), &st) != 0) {
    for (std::size_t i = 1; i <= plan.cwd.size(); ++i) {
      if (i == plan.cwd.size() || plan.cwd[i] == '/') ::mkdir(plan.cwd.substr(0, i).c_str(), 0755);
    }
  }
  if (auto e = run_hooks(plan.create_container_hooks, "createContainer"); !e.empty()) return e;
  if (auto e = lxcri_init::set_root_propagation(plan.rootfs_propagation); !e.empty()) return e;
  if (auto e = lxcri_init::mask_paths(plan.masked_paths); !e.empty()) return e;
  if (auto e = lxcri_init::make_readonly(plan.readonly_paths); !e.empty()) return e;
  if (plan.readonly_root) {
    if (auto e = lxcri_init::make_root_readonly(); !e.empty()) return e;
  }
  if (auto e = lxcri_init::find_program(plan.args[0], plan.env, plan.cwd, program); !e.empty()) {
    return e;
  }
  return plan.terminal ? lxcri_init::attach_terminal(plan, sync) : std::string();
}

int run_init_mode() {
  // Whatever the caller blocked, signals must reach the container, and until
  // the program runs a signal ends the container as it would have ended the
  // program (as pid 1 the helper would otherwise ignore them; runc's init
  // dies too). Set before "ok": `create` returns then, and a `kill` may follow.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  die_on_signals();
  std::string bytes, error;
  runtime::lxc::InitPlan plan;
  if (!read_file(kDir + "plan", bytes) || !runtime::lxc::decode(bytes, plan, error)) {
    std::fprintf(stderr, "lxcri-init: cannot read %splan: %s\n", kDir.c_str(),
                 error.empty() ? std::strerror(errno) : error.c_str());
    return 1;
  }
  std::string seccomp;
  if (plan.seccomp && !read_file(kDir + "seccomp.bpf", seccomp)) {
    std::perror("lxcri-init: seccomp.bpf");
    return 1;
  }

  int sync = connect_sync();
  send_line(sync, "hello");
  if (read_line(sync) != "go") return 1;
  std::string program;
  std::string problem = prepare(plan, sync, program);
  // The start fifo is opened before answering "ok": `start` may follow at
  // once, and it opens its end without blocking, which needs a reader.
  int start_fd = -1;
  if (problem.empty()) {
    start_fd = ::open((kDir + "start").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (start_fd < 0) problem = std::string("cannot open the start fifo: ") + std::strerror(errno);
  }
  // A `create` that died cannot take the answer: then nobody will start us.
  bool answered = send_line(sync, problem.empty() ? "ok" : "error " + problem);
  ::close(sync);
  if (!problem.empty() || !answered) return 1;

  if (!wait_for_start(start_fd)) return 1;
  // `start` waits on the exec fifo until it reads our error or, when execve
  // succeeds and closes this close-on-exec descriptor, end of file: so
  // poststart hooks run after the program started, as the spec asks.
  g_exec_fd = ::open((kDir + "exec").c_str(), O_WRONLY | O_CLOEXEC);
  if (g_exec_fd < 0) {
    std::perror("lxcri-init: exec fifo");  // `start` sees us exit
    return 1;
  }
  auto report = [](const std::string& message) {
    std::string line = "lxcri-init: " + message + "\n";
    if (g_exec_fd < 0 || ::write(g_exec_fd, line.data(), line.size()) < 0) {
      std::fputs(line.c_str(), stderr);
    }
  };
  if (auto e = run_hooks(plan.start_container_hooks, "startContainer"); !e.empty()) {
    report(e);
    return 1;
  }
  // The program must not see, or reach through, the runtime's files (the
  // plan, the fifos, a bind of the host's lxcri-init it could remount).
  if (auto e = lxcri_init::hide_init_dir(kDir); !e.empty()) {
    report(e);
    return 1;
  }
  lxcri_init::ExecFailure failure = lxcri_init::exec_program(plan, seccomp, program);
  report(failure.message);
  return failure.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "exec") == 0) return lxcri_init::run_exec_mode();
  return run_init_mode();
}
