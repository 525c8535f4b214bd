// delete: kills what is left of the container, removes its cgroups and its
// directory, then runs poststop hooks. A container dir without a state record
// (a create that crashed) is removed too: nothing is ever stuck.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/lifecycle/cgroups.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/state/process_probe.h"

namespace runtime::lifecycle {
namespace {

constexpr int kCgroupTimeoutMs = 5000;

void kill_everything(const state::ContainerState& st) {
  if (!st.freezer_dir.empty()) (void)set_frozen(st.freezer_dir, false);
  if (state::process_alive(st.pid, st.pid_start_time)) ::kill(st.pid, SIGKILL);
  for (pid_t pid : cgroup_pids(st.pids_dir))
    ::kill(pid, SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kCgroupTimeoutMs);
  while (state::process_alive(st.pid, st.pid_start_time) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

core::Status remove(const RuntimeContext& ctx, const std::string& id, bool force) {
  auto open = open_container(ctx, id);
  if (!open) {
    if (open.error().code() != core::ErrorCode::kFailedPrecondition) return open.error();
    auto dir = state::ContainerDir::open(ctx.root, id);
    if (!dir) return dir.error();
    return dir.value().remove();
  }
  auto& [dir, st] = open.value();
  state::Status status = state::live_status(st);
  if ((status == state::Status::kRunning || status == state::Status::kPaused) && !force) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       std::string("cannot delete a container that is ") +
                           state::status_name(status) + ": stop it first or use --force");
  }
  kill_everything(st);
  for (const auto& cg : st.cgroup_dirs) {
    if (auto s = remove_cgroup(cg, kCgroupTimeoutMs); !s) return s;
    // The runtime's shared parent ("lxcri/") goes with its last container.
    std::filesystem::path parent = std::filesystem::path(cg).parent_path();
    if (parent.filename() == "lxcri") ::rmdir(parent.c_str());
  }
  auto config = saved_config(dir);
  if (auto s = dir.remove(); !s) return s;
  if (config) {
    std::string json = state::oci_state_json(st, state::Status::kStopped);
    if (auto s = run_host_hooks(config.value().hooks.poststop, json, "poststop"); !s) {
      ctx.warn(s.error().message());
    }
  }
  if (st.annotations.count(kOwnedBundleAnnotation)) {
    std::error_code ec;
    std::filesystem::remove_all(st.bundle, ec);
    if (ec) ctx.warn("cannot remove generated bundle " + st.bundle + ": " + ec.message());
  }
  return {};
}

}  // namespace runtime::lifecycle
