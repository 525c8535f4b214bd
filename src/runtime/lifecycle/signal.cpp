// kill, pause, resume: signals and the freezer, on a live container only.
#include <signal.h>

#include <cerrno>
#include <cstring>

#include "runtime/lifecycle/cgroups.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"

namespace runtime::lifecycle {
namespace {

core::Error wrong_state(const std::string& action, state::Status status) {
  return core::Error(core::ErrorCode::kFailedPrecondition,
                     "cannot " + action + " a container that is " + state::status_name(status));
}

}  // namespace

core::Status kill(const RuntimeContext& ctx, const std::string& id, int signal, bool all) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  const state::ContainerState& st = open.value().state;
  state::Status status = state::live_status(st);
  // containerd sends `kill --all` after the init exited (to whatever else is
  // left), and reads "container not running" as "already gone".
  if (all) {
    for (pid_t pid : cgroup_pids(st.pids_dir))
      ::kill(pid, signal);
  } else if (status == state::Status::kStopped) {
    return core::Error(core::ErrorCode::kFailedPrecondition, "container not running");
  } else if (::kill(st.pid, signal) != 0) {
    return core::Error(core::ErrorCode::kInternal,
                       "cannot signal pid " + std::to_string(st.pid) + ": " + std::strerror(errno));
  }
  // A frozen process only dies once thawed: thaw after SIGKILL, as runc does.
  if (signal == SIGKILL && status == state::Status::kPaused)
    return set_frozen(st.freezer_dir, false);
  return {};
}

core::Status pause(const RuntimeContext& ctx, const std::string& id) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  state::Status status = state::live_status(open.value().state);
  if (status != state::Status::kRunning && status != state::Status::kCreated) {
    return wrong_state("pause", status);
  }
  return set_frozen(open.value().state.freezer_dir, true);
}

core::Status resume(const RuntimeContext& ctx, const std::string& id) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  state::Status status = state::live_status(open.value().state);
  if (status != state::Status::kPaused) return wrong_state("resume", status);
  return set_frozen(open.value().state.freezer_dir, false);
}

}  // namespace runtime::lifecycle
