#include "runtime/exec/join_container.h"

#include <fcntl.h>
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

#include <cerrno>
#include <charconv>
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
constexpr std::pair<const char*, int> kNamespaces[] = {
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP}, {"pid", CLONE_NEWPID},
    {"mnt", CLONE_NEWNS}};

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
      if (errno == ENOENT && std::strcmp(name, "cgroup") != 0) {
        return Error(ErrorCode::kFailedPrecondition, "the container's init has exited");
      }
      continue;  // a kernel without cgroup namespaces
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

// The grandchild, inside every namespace: executes the helper with its
// descriptors in place and nothing else of ours open.
[[noreturn]] void exec_helper(int plan, int seccomp, int channel, int helper) {
  int from[] = {plan, seccomp, channel, helper};
  int high[4];
  for (int i = 0; i < 4; ++i) {
    high[i] = ::fcntl(from[i], F_DUPFD_CLOEXEC, 64);
    if (high[i] < 0) child_fail(channel, "cannot arrange descriptors");
  }
  int to[] = {kPlanFd, kSeccompFd, kChannelFd, kHelperFd};
  for (int i = 0; i < 4; ++i) {
    if (::dup2(high[i], to[i]) < 0) child_fail(high[2], "cannot arrange descriptors");
  }
  ::fcntl(kHelperFd, F_SETFD, FD_CLOEXEC);
  ::close_range(kHelperFd + 1, ~0U, 0);
  char arg0[] = "lxcri-init", arg1[] = "exec";
  char* argv[] = {arg0, arg1, nullptr};
  char* envp[] = {nullptr};
  ::syscall(SYS_execveat, kHelperFd, "", argv, envp, AT_EMPTY_PATH);
  child_fail(kChannelFd, "cannot execute lxcri-init in the container");
}

// The middle child: cgroups, limits, namespaces, then the fork into the
// pid namespace. Reports the grandchild's host pid and exits.
[[noreturn]] void join_and_fork(const JoinRequest& req, std::vector<JoinTarget>& namespaces,
                                int plan, int seccomp, int channel, int helper) {
  for (const auto& dir : req.cgroup_dirs) {
    if (!write_text(dir + "/cgroup.procs", "0")) child_fail(channel, "cannot join cgroup " + dir);
  }
  for (const auto& rl : req.rlimits) {
    rlimit value{rl.soft, rl.hard};
    if (::setrlimit(rl.resource, &value) != 0) child_fail(channel, "cannot set " + rl.type);
  }
  if (req.oom_score_adj &&
      !write_text("/proc/self/oom_score_adj", std::to_string(*req.oom_score_adj))) {
    child_fail(channel, "cannot set oomScoreAdj");
  }
  for (auto& ns : namespaces) {
    if (::setns(ns.fd.get(), ns.type) != 0) child_fail(channel, "cannot join a namespace");
  }
  pid_t pid = ::fork();
  if (pid < 0) child_fail(channel, "fork");
  if (pid == 0) exec_helper(plan, seccomp, channel, helper);
  lxc::send_line(channel, "pid " + std::to_string(pid));
  ::_exit(0);
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
  UniqueFd helper(::open(req.helper.c_str(), O_RDONLY | O_CLOEXEC));
  if (!helper.valid()) {
    return Error(ErrorCode::kNotFound,
                 std::string("the init helper lxcri-init: ") + std::strerror(errno))
        .with_file(req.helper);
  }
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return sys_failure("socketpair");
  }
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t parent = ::getpid();
  pid_t middle = ::fork();
  if (middle < 0) return sys_failure("fork");
  if (middle == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    join_and_fork(req, namespaces.value(), plan.value().get(), seccomp.value().get(), theirs.get(),
                  helper.get());
  }
  theirs.reset();
  JoinedProcess joined;
  std::string error;
  std::string line;
  int fd = -1;
  while (lxc::receive_line(ours.get(), line, fd)) {
    UniqueFd received(fd);
    if (line.starts_with("pid ")) {
      std::from_chars(line.data() + 4, line.data() + line.size(), joined.pid);
    } else if (line == "terminal" && received.valid()) {
      joined.terminal = std::move(received);
    } else {
      error = line.starts_with("error ") ? line.substr(6) : "unexpected message: " + line;
      break;
    }
  }
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  if (error.empty() && joined.pid <= 0) error = "the process could not be started";
  if (!error.empty()) {
    if (joined.pid > 0) ::kill(joined.pid, SIGKILL);
    return Error(ErrorCode::kFailedPrecondition, error);
  }
  return joined;
}

}  // namespace runtime::exec
