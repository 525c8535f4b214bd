// start: releases the init helper of a created container (one byte into its
// start fifo), waits until the program really runs (end of file on the exec
// fifo, which the helper holds close-on-exec) or the helper reports why it
// cannot, records the container as started, then runs poststart hooks.
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "oci/store/posix_file.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/lxc/container_start.h"
#include "runtime/state/process_probe.h"

namespace runtime::lifecycle {
namespace {

using core::Error;
using core::ErrorCode;
using oci::store::UniqueFd;

// Reads the exec fifo until end of file; text means the program did not start.
// `pidfd` is the init's: its exit ends the wait too.
core::Status wait_for_exec(int exec_fd, int pidfd) {
  std::string message;
  for (;;) {
    pollfd fds[2] = {{exec_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return oci::store::sys_error("poll", "exec fifo", errno);
    if (fds[0].revents) {
      char buf[512];
      ssize_t got = ::read(exec_fd, buf, sizeof buf);
      if (got > 0) {
        message.append(buf, static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      break;  // end of file: every writer is gone
    }
    // The helper died without ever opening the fifo.
    if (message.empty()) message = "the container's init exited before running its program";
    break;
  }
  while (!message.empty() && message.back() == '\n')
    message.pop_back();
  if (!message.empty()) return Error(ErrorCode::kFailedPrecondition, message);
  return {};
}

}  // namespace

core::Status start(const RuntimeContext& ctx, const std::string& id) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  auto& [dir, st] = open.value();
  state::Status status = state::live_status(st);
  if (status != state::Status::kCreated) {
    return Error(ErrorCode::kFailedPrecondition, std::string("cannot start a container that is ") +
                                                     state::status_name(status) +
                                                     " (only a created one)");
  }
  auto config = saved_config(dir);
  if (!config) return config.error();

  std::string init_dir = dir.file(kInitDir);
  if (!config.value().hooks.start_container.empty()) {
    if (auto s = write_hook_state(init_dir, st, state::Status::kCreated); !s) return s;
  }
  // A handle on the init taken before it is released, checked to be the
  // recorded process (not a reuse of its pid): the wait below ends when it
  // exits, whatever it did with the fifos.
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, st.pid, 0)));
  if (!pidfd.valid() || !state::process_alive(st.pid, st.pid_start_time)) {
    return Error(ErrorCode::kFailedPrecondition, "the container's init is gone");
  }
  std::string exec_fifo = init_dir + "/" + lxc::kExecFifo;
  UniqueFd exec_fd(::open(exec_fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!exec_fd.valid()) return oci::store::sys_error("open", exec_fifo, errno);
  std::string fifo = init_dir + "/" + lxc::kStartFifo;
  UniqueFd start_fd(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!start_fd.valid()) {
    return Error(ErrorCode::kFailedPrecondition, "the container's init is not waiting for start (" +
                                                     std::string(std::strerror(errno)) + ")")
        .with_file(fifo);
  }
  if (::write(start_fd.get(), "1", 1) != 1)
    return oci::store::sys_error("release init", fifo, errno);
  start_fd.reset();
  ::unlink(fifo.c_str());

  // Recorded before waiting: from here on the container is no longer
  // "created", whatever the program does.
  st.started = true;
  if (auto s = dir.write_file(kStateFile, state::to_json(st)); !s) return s;
  if (auto s = wait_for_exec(exec_fd.get(), pidfd.get()); !s) return s;
  std::string json = state::oci_state_json(st, state::Status::kRunning);
  run_host_hooks_warning(ctx, config.value().hooks.poststart, json, "poststart");
  return {};
}

}  // namespace runtime::lifecycle
