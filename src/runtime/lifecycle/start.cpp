// start: releases the init helper of a created container (one byte into its
// start fifo), records the container as started, runs poststart hooks.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "oci/store/posix_file.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/lxc/container_start.h"

namespace runtime::lifecycle {

core::Status start(const RuntimeContext& ctx, const std::string& id) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  auto& [dir, st] = open.value();
  state::Status status = state::live_status(st);
  if (status != state::Status::kCreated) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       std::string("cannot start a container that is ") +
                           state::status_name(status) + " (only a created one)");
  }
  auto config = saved_config(dir);
  if (!config) return config.error();

  std::string init_dir = dir.file(kInitDir);
  if (!config.value().hooks.start_container.empty()) {
    std::string hook_state = init_dir + "/" + lxc::kHookStateFile;
    std::string json = state::oci_state_json(st, state::Status::kCreated);
    auto fd = oci::store::open_file(hook_state + ".tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!fd) return fd.error();
    if (auto s = oci::store::write_all(fd.value().get(), json, hook_state); !s) return s;
    if (::rename((hook_state + ".tmp").c_str(), hook_state.c_str()) != 0) {
      return oci::store::sys_error("rename", hook_state, errno);
    }
  }
  std::string fifo = init_dir + "/" + lxc::kStartFifo;
  int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "the container's init is not waiting for start (" +
                           std::string(std::strerror(errno)) + ")")
        .with_file(fifo);
  }
  ssize_t n = ::write(fd, "1", 1);
  int err = errno;
  ::close(fd);
  if (n != 1) return oci::store::sys_error("release init", fifo, err);
  ::unlink(fifo.c_str());

  st.started = true;
  if (auto s = dir.write_file(kStateFile, state::to_json(st)); !s) return s;
  std::string json = state::oci_state_json(st, state::Status::kRunning);
  if (auto s = run_host_hooks(config.value().hooks.poststart, json, "poststart"); !s) {
    ctx.warn(s.error().message());
  }
  return {};
}

}  // namespace runtime::lifecycle
