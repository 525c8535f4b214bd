#include "runtime/lxc/container_start.h"

#include <lxc/lxccontainer.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>

#include "oci/store/posix_file.h"
#include "runtime/lxc/fd_channel.h"
#include "runtime/state/process_probe.h"

namespace runtime::lxc {
namespace {

using core::Error;
using core::ErrorCode;
using oci::store::UniqueFd;

// The last ERROR lines of liblxc's log, to say why a start failed.
std::string lxc_log_tail(const std::string& log_file) {
  std::ifstream in(log_file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.find(" ERROR ") == std::string::npos) continue;
    lines.push_back(line);
    if (lines.size() > 4) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines)
    out += "\n  " + l;
  return out;
}

// liblxc writes id maps through newuidmap/newgidmap whenever they are on
// PATH, even for root, and they refuse any range /etc/subuid does not grant
// root. Root may write the maps itself, so the monitor's PATH leaves out the
// directories that hold them.
void hide_id_map_tools() {
  const char* path = std::getenv("PATH");
  std::string all = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::string kept;
  for (std::size_t i = 0; i <= all.size();) {
    std::size_t j = all.find(':', i);
    if (j == std::string::npos) j = all.size();
    std::string dir = all.substr(i, j - i);
    if (!dir.empty() && ::access((dir + "/newuidmap").c_str(), F_OK) != 0 &&
        ::access((dir + "/newgidmap").c_str(), F_OK) != 0) {
      kept += (kept.empty() ? "" : ":") + dir;
    }
    i = j + 1;
  }
  ::setenv("PATH", kept.c_str(), 1);
}

struct LxcDeleter {
  void operator()(lxc_container* c) const { lxc_container_put(c); }
};

// Waits until `fd` is readable or the monitor exits. 1: readable, 0: the
// monitor exited, -1: poll failed.
int wait_readable(int fd, int pidfd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    if (fds[0].revents) return 1;
    return 0;
  }
}

// One line from the helper; a descriptor it carries goes to `fd`.
core::Result<std::string> read_line(int sock, UniqueFd* fd = nullptr) {
  std::string line;
  int received = -1;
  if (!receive_line(sock, line, received)) {
    return Error(ErrorCode::kInternal, "the init helper closed the connection early");
  }
  if (fd != nullptr && received >= 0) {
    *fd = UniqueFd(received);
  } else if (received >= 0) {
    ::close(received);
  }
  return line;
}

class Monitor {
 public:
  Monitor(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
  ~Monitor() { stop(); }
  int pidfd() const { return pidfd_.get(); }
  // Kills liblxc's monitor (the container keeps running) and reaps it.
  // Returns its wait status.
  int stop() {
    int status = 0;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = 0;
    }
    return status;
  }

 private:
  pid_t pid_;
  UniqueFd pidfd_;
};

}  // namespace

core::Result<StartedInit> start_container(const StartRequest& req) {
  std::unique_ptr<lxc_container, LxcDeleter> c(
      lxc_container_new(req.name.c_str(), req.lxcpath.c_str()));
  if (!c) return Error(ErrorCode::kInternal, "liblxc cannot set up container '" + req.name + "'");
  c->clear_config(c.get());
  for (const auto& [key, value] : req.items) {
    if (!c->set_config_item(c.get(), key.c_str(), value.c_str())) {
      return Error(ErrorCode::kInvalidArgument,
                   "liblxc refused '" + key + " = " + value + "'" + lxc_log_tail(req.log_file));
    }
  }
  c->daemonize = false;

  std::string socket_path = req.init_dir + "/" + kSyncSocket;
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    return Error(ErrorCode::kInvalidArgument, "state path too long for a unix socket")
        .with_file(socket_path);
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (!listener.valid() ||
      ::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener.get(), 1) != 0 ||
      // The helper may run as a mapped root that is not the host's; the init
      // dir (0700, owned by that root) is what keeps others out.
      ::chmod(socket_path.c_str(), 0666) != 0) {
    return oci::store::sys_error("sync socket", socket_path, errno);
  }

  pid_t parent = ::getpid();
  pid_t child = ::fork();
  if (child < 0) return oci::store::sys_error("fork", req.name, errno);
  if (child == 0) {
    // The monitor: liblxc runs the container from here until we kill it, or
    // until `create` dies (then the init, which waits on its sync socket,
    // exits too).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    listener.reset();
    for (int fd : req.close_in_monitor)
      ::close(fd);
    if (::geteuid() == 0) hide_id_map_tools();
    bool ok = c->start(c.get(), 0, nullptr);
    ::_exit(ok ? 0 : 1);
  }
  Monitor monitor(child, static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
  auto failed = [&](const std::string& why) -> core::Error {
    monitor.stop();
    return Error(ErrorCode::kFailedPrecondition,
                 "cannot start container '" + req.name + "': " + why + lxc_log_tail(req.log_file));
  };
  if (monitor.pidfd() < 0) return failed(std::string("pidfd_open: ") + std::strerror(errno));

  int ready = wait_readable(listener.get(), monitor.pidfd());
  if (ready == 0) return failed("liblxc failed to start it");
  if (ready < 0) return failed(std::string("poll: ") + std::strerror(errno));
  UniqueFd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ucred cred{};
  socklen_t len = sizeof cred;
  if (!conn.valid() || ::getsockopt(conn.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return failed(std::string("sync socket: ") + std::strerror(errno));
  }
  StartedInit init;
  init.pid = cred.pid;
  auto stat = state::read_process_stat(init.pid);
  auto kill_init = [&] { ::kill(init.pid, SIGKILL); };
  if (!stat) return failed("the init helper exited early");
  init.start_time = stat->start_time;
  auto hello = read_line(conn.get());
  if (!hello || hello.value() != "hello") {
    kill_init();
    return failed("unexpected message from the init helper");
  }
  if (req.on_init_pid) {
    if (auto s = req.on_init_pid(init.pid); !s) {
      kill_init();
      monitor.stop();
      return s.error();
    }
  }
  if (::write(conn.get(), "go\n", 3) != 3) {
    kill_init();
    return failed("the init helper went away");
  }
  // "terminal" (with the pty's master) comes before "ok" when one was asked for.
  core::Result<std::string> reply = std::string("terminal");
  while (reply && reply.value() == "terminal") {
    int answered = wait_readable(conn.get(), monitor.pidfd());
    reply = answered == 1
                ? read_line(conn.get(), &init.terminal)
                : core::Result<std::string>(Error(ErrorCode::kInternal, "liblxc's monitor died"));
  }
  if (reply && reply.value() == "ok" && req.terminal && !init.terminal.valid()) {
    reply = Error(ErrorCode::kInternal, "the init helper sent no terminal");
  }
  if (!reply || reply.value() != "ok") {
    kill_init();
    std::string why = reply ? reply.value() : reply.error().message();
    if (why.starts_with("error ")) why = why.substr(6);
    monitor.stop();
    return Error(ErrorCode::kFailedPrecondition, why);
  }
  monitor.stop();
  ::unlink(socket_path.c_str());
  return init;
}

}  // namespace runtime::lxc
