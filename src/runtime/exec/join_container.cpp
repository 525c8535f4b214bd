#include "runtime/exec/join_container.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include "runtime/lxc/fd_channel.h"
#include "runtime/state/process_probe.h"

namespace runtime::exec {
namespace {

using core::Error;
using core::ErrorCode;
using oci::store::UniqueFd;

// The order runc joins them in: the user namespace first (joining it gives
// the capabilities the others need), the mount namespace last (it changes
// the root, and /proc with it).
// The time namespace, like the pid namespace, applies to the children.
constexpr std::pair<const char*, int> kNamespaces[] = {
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP}, {"pid", CLONE_NEWPID},
    {"time", CLONE_NEWTIME}, {"mnt", CLONE_NEWNS}};

// How long an exec may take from the fork to the program's execve, all
// stages together: they run in the container's cgroups, which a pause or a
// hostile process could freeze or stop.
constexpr auto kStartTimeout = std::chrono::seconds(30);

// memfd_create's MFD_EXEC (Linux 6.3): asked for explicitly, an executable
// memfd survives vm.memfd_noexec=1.
constexpr unsigned kMfdExec = 0x0010U;

// The descriptor limit before the middle child lowers RLIMIT_NOFILE, for
// closing everything above the helper's descriptors without close_range.
long g_fd_limit = 1024;

// The descriptors lxcri-init's exec mode reads (apps/lxcri-init/exec_mode.h).
constexpr int kPlanFd = 3, kSeccompFd = 4, kChannelFd = 5, kHelperFd = 6;

struct JoinTarget {
  int type;
  UniqueFd fd;
};

Error sys_failure(const std::string& what) {
  return Error(ErrorCode::kInternal, what + ": " + std::strerror(errno));
}

// The init's namespaces that differ from ours (joining our own user
// namespace would fail, and the others would change nothing).
core::Result<std::vector<JoinTarget>> open_namespaces(pid_t pid) {
  std::vector<JoinTarget> out;
  for (const auto& [name, type] : kNamespaces) {
    std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + name;
    std::string ours = std::string("/proc/self/ns/") + name;
    struct stat a, b;
    if (::stat(theirs.c_str(), &a) != 0) {
      bool optional = std::strcmp(name, "cgroup") == 0 || std::strcmp(name, "time") == 0;
      if (errno == ENOENT && !optional) {
        return Error(ErrorCode::kFailedPrecondition, "the container's init has exited");
      }
      continue;  // a kernel without cgroup or time namespaces
    }
    if (::stat(ours.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) continue;
    UniqueFd fd(::open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return sys_failure("cannot open " + theirs);
    out.push_back({type, std::move(fd)});
  }
  return out;
}

core::Result<UniqueFd> memfd_with(const char* name, const std::string& content) {
  UniqueFd fd(static_cast<int>(::syscall(SYS_memfd_create, name, MFD_CLOEXEC)));
  if (!fd.valid()) return sys_failure("memfd_create");
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sys_failure("cannot write the process plan");
    done += static_cast<std::size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return sys_failure("lseek");
  return fd;
}

// The helper as a sealed in-memory copy. Executed from its host file, a
// process in the container could write to it through /proc/PID/exe while it
// runs (runc's CVE-2019-5736): the next container would run that code as
// host root. A sealed memfd cannot be written by anyone.
core::Result<UniqueFd> sealed_helper(const std::string& path) {
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (!file.valid() || ::fstat(file.get(), &st) != 0) {
    return Error(ErrorCode::kNotFound,
                 std::string("the init helper lxcri-init: ") + std::strerror(errno))
        .with_file(path);
  }
  unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  UniqueFd copy(static_cast<int>(::syscall(SYS_memfd_create, "lxcri-init", flags | kMfdExec)));
  if (!copy.valid() && errno == EINVAL) {  // a kernel before 6.3
    copy = UniqueFd(static_cast<int>(::syscall(SYS_memfd_create, "lxcri-init", flags)));
  }
  if (!copy.valid() && errno == EACCES) {
    return Error(ErrorCode::kFailedPrecondition,
                 "cannot make a sealed executable copy of lxcri-init: vm.memfd_noexec=2 "
                 "forbids executable memfds in this pid namespace");
  }
  if (!copy.valid()) return sys_failure("memfd_create");
  // Plain reads and writes, not sendfile: pages spliced into the memfd can
  // stay referenced for a moment, and F_SEAL_WRITE fails with EBUSY while
  // any page is (seen in CI, once in several hundred execs).
  char buffer[64 * 1024];
  for (off_t copied = 0; copied < st.st_size;) {
    ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sys_failure("cannot read the init helper");
    for (ssize_t written = 0; written < n;) {
      ssize_t w = ::write(copy.get(), buffer + written, static_cast<std::size_t>(n - written));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return sys_failure("cannot copy the init helper");
      written += w;
    }
    copied += n;
  }
  constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
  int sealed = ::fcntl(copy.get(), F_ADD_SEALS, kSeals);
  // The kernel gives up waiting for page references after a few
  // scheduling rounds; under load, a few more tries.
  for (int retry = 0; sealed != 0 && errno == EBUSY && retry < 20; ++retry) {
    ::usleep(5'000);
    sealed = ::fcntl(copy.get(), F_ADD_SEALS, kSeals);
  }
  if (sealed != 0) return sys_failure("cannot seal the init helper's copy");
  return copy;
}

[[noreturn]] void child_fail(int channel, const std::string& why) {
  lxc::send_line(channel, "error " + why + ": " + std::strerror(errno));
  ::_exit(1);
}

bool write_text(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  ::close(fd);
  errno = err;
  return ok;
}

// Closes every descriptor from `first` on.
void close_from(int first) {
  if (::close_range(static_cast<unsigned>(first), ~0U, 0) == 0) return;
  for (long fd = first; fd < g_fd_limit; ++fd)  // kernels before 5.9
    ::close(static_cast<int>(fd));
}

// The grandchild, inside every namespace: executes the helper with its
// descriptors in place and nothing else of ours open.
[[noreturn]] void exec_helper(int plan, int seccomp, int channel, int helper) {
  int from[] = {plan, seccomp, channel, helper};
  int moved[4];
  // First above the targets, so that no source is overwritten (7, not
  // higher: a low RLIMIT_NOFILE is already in force).
  for (int i = 0; i < 4; ++i) {
    moved[i] = ::fcntl(from[i], F_DUPFD_CLOEXEC, kHelperFd + 1);
    if (moved[i] < 0) child_fail(channel, "cannot arrange descriptors (RLIMIT_NOFILE too low?)");
  }
  int to[] = {kPlanFd, kSeccompFd, kChannelFd, kHelperFd};
  for (int i = 0; i < 4; ++i) {
    if (::dup2(moved[i], to[i]) < 0) child_fail(moved[2], "cannot arrange descriptors");
  }
  ::fcntl(kHelperFd, F_SETFD, FD_CLOEXEC);
  close_from(kHelperFd + 1);
  char arg0[] = "lxcri-init", arg1[] = "exec";
  char* argv[] = {arg0, arg1, nullptr};
  char* envp[] = {nullptr};
  ::syscall(SYS_execveat, kHelperFd, "", argv, envp, AT_EMPTY_PATH);
  child_fail(kChannelFd, "cannot execute lxcri-init in the container");
}

// The middle child: cgroups, limits, namespaces, then the fork into the
// pid namespace. Reports the grandchild's host pid and exits.
// Reports on its own socket (`report`), which the grandchild closes: what
// reaches the runtime there comes from this process alone.
[[noreturn]] void join_and_fork(const JoinRequest& req, std::vector<JoinTarget>& namespaces,
                                int plan, int seccomp, int channel, int helper, int report) {
  for (const auto& dir : req.cgroup_dirs) {
    if (!write_text(dir + "/cgroup.procs", "0")) child_fail(report, "cannot join cgroup " + dir);
  }
  // Set here, with the host's capabilities (raising a hard limit needs
  // them), and inherited by the program.
  for (const auto& rl : req.rlimits) {
    rlimit value{rl.soft, rl.hard};
    if (::setrlimit(rl.resource, &value) != 0) child_fail(report, "cannot set " + rl.type);
  }
  if (req.oom_score_adj &&
      !write_text("/proc/self/oom_score_adj", std::to_string(*req.oom_score_adj))) {
    child_fail(report, "cannot set oomScoreAdj");
  }
  for (auto& ns : namespaces) {
    if (::setns(ns.fd.get(), ns.type) != 0) child_fail(report, "cannot join a namespace");
  }
  pid_t pid = ::fork();
  if (pid < 0) child_fail(report, "fork");
  if (pid == 0) {
    ::close(report);
    exec_helper(plan, seccomp, channel, helper);
  }
  lxc::send_line(report, "pid " + std::to_string(pid));
  ::_exit(0);
}

// Waits until `fd` is readable or `deadline` passes; false on timeout.
bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    return n != 0;
  }
}

std::string timeout_message() {
  return "the process did not start within " +
         std::to_string(std::chrono::seconds(kStartTimeout).count()) +
         " s (is the container paused or its processes stopped?)";
}

}  // namespace

core::Result<JoinedProcess> join_container(const JoinRequest& req) {
  auto namespaces = open_namespaces(req.init_pid);
  if (!namespaces) return namespaces.error();
  // The namespaces are ours to join only if they still belong to the init
  // the state names (its pid may have been reused since).
  auto stat = state::read_process_stat(req.init_pid);
  if (!stat || stat->start_time != req.init_start_time) {
    return Error(ErrorCode::kFailedPrecondition, "the container's init has exited");
  }
  auto plan = memfd_with("lxcri-plan", req.plan);
  if (!plan) return plan.error();
  auto seccomp = memfd_with("lxcri-seccomp", req.seccomp_bpf);
  if (!seccomp) return seccomp.error();
  auto helper = sealed_helper(req.helper);
  if (!helper) return helper.error();
  int sv[2], rv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return sys_failure("socketpair");
  }
  UniqueFd ours(sv[0]), theirs(sv[1]);
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, rv) != 0) {
    return sys_failure("socketpair");
  }
  UniqueFd report_ours(rv[0]), report_theirs(rv[1]);
  g_fd_limit = std::max(::sysconf(_SC_OPEN_MAX), 1024L);
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  pid_t parent = ::getpid();
  pid_t middle = ::fork();
  if (middle < 0) return sys_failure("fork");
  if (middle == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    // Not dumpable, and neither is the child it forks into the container:
    // until the helper runs, /proc/PID/exe is the host's lxcri.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    join_and_fork(req, namespaces.value(), plan.value().get(), seccomp.value().get(), theirs.get(),
                  helper.value().get(), report_theirs.get());
  }
  theirs.reset();
  report_theirs.reset();

  // The middle child: one "pid N", or why it failed.
  JoinedProcess joined;
  std::string error, line;
  int fd = -1;
  if (!wait_readable(report_ours.get(), deadline)) {
    ::kill(middle, SIGKILL);  // our child: its pid cannot be reused before we reap it
    error = timeout_message();
  } else if (lxc::receive_line(report_ours.get(), line, fd)) {
    UniqueFd ignored(fd);
    if (line.starts_with("pid ")) {
      std::from_chars(line.data() + 4, line.data() + line.size(), joined.pid);
      // Signals from here on go through a pidfd, never to a pid that the
      // process's reaper may have freed for reuse.
      joined.pidfd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, joined.pid, 0)));
    } else {
      error = line.starts_with("error ") ? line.substr(6) : "unexpected message: " + line;
    }
  }
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  if (error.empty() && joined.pid <= 0) error = "the process could not be started";
  if (!error.empty()) return Error(ErrorCode::kFailedPrecondition, error);

  // The helper: the terminal when asked for, an error, or end of file when
  // the program runs.
  for (;;) {
    if (!wait_readable(ours.get(), deadline)) {
      error = timeout_message();
      break;
    }
    if (!lxc::receive_line(ours.get(), line, fd)) break;
    UniqueFd received(fd);
    if (line == "terminal" && received.valid() && !joined.terminal.valid()) {
      joined.terminal = std::move(received);
    } else {
      error = line.starts_with("error ") ? line.substr(6) : "unexpected message: " + line;
      break;
    }
  }
  if (!error.empty()) {
    kill_process(joined);
    return Error(ErrorCode::kFailedPrecondition, error);
  }
  return joined;
}

void kill_process(const JoinedProcess& process) {
  if (process.pidfd.valid()) {
    ::syscall(SYS_pidfd_send_signal, process.pidfd.get(), SIGKILL, nullptr, 0);
  }
}

}  // namespace runtime::exec
