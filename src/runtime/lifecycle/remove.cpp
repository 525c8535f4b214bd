// delete: kills what is left of the container, removes its cgroups and its
// directory, then runs poststop hooks. A container dir without a state record
// (a create killed early) is removed too, with its cgroups: nothing is ever
// stuck.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "layerfs/bundle_rootfs.h"
#include "layerfs/mount.h"
#include "runtime/lifecycle/cgroups.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/lxc/lxc_config.h"
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

// A container dir without a state record: a create killed before its init
// existed. liblxc may have made its cgroups already (where the saved config
// says); they are removed when empty, but nothing in them is killed: the
// path may be shared with another container, and this one never had an init
// (its helper exits when create's socket goes away).
core::Status remove_unfinished(const RuntimeContext& ctx, const std::string& id) {
  auto dir = state::ContainerDir::open(ctx.root, id);
  if (!dir) return dir.error();
  if (auto config = saved_config(dir.value())) {
    for (const auto& mp : cgroup_mount_points()) {
      ::rmdir((mp + "/" + lxc::cgroup_dir(config.value(), id)).c_str());
    }
  }
  remove_monitor_cgroups(id);
  return dir.value().remove();
}

}  // namespace

core::Status remove(const RuntimeContext& ctx, const std::string& id, bool force) {
  auto open = open_container(ctx, id);
  if (!open) {
    if (open.error().code() != core::ErrorCode::kFailedPrecondition) return open.error();
    return remove_unfinished(ctx, id);
  }
  auto& [dir, st] = open.value();
  state::Status status = state::live_status(st);
  // The spec: deleting a container that is not stopped is an error. runc
  // lets `delete` kill a created one; containerd and Podman pass --force.
  if (status != state::Status::kStopped && !force) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       std::string("cannot delete a container that is ") +
                           state::status_name(status) + ": stop it first or use --force");
  }
  kill_everything(st);
  // The shared parent ("lxcri/") stays: removing it could race another
  // create making its own cgroup below it.
  for (const auto& cg : st.cgroup_dirs) {
    if (auto s = remove_cgroup(cg, kCgroupTimeoutMs); !s) return s;
  }
  // Left when a create was killed after its init existed.
  remove_monitor_cgroups(id);
  auto config = saved_config(dir);
  if (auto s = dir.remove(); !s) return s;
  if (config) {
    std::string json = state::oci_state_json(st, state::Status::kStopped);
    run_host_hooks_warning(ctx, config.value().hooks.poststop, json, "poststop");
  }
  if (st.annotations.count(kOwnedBundleAnnotation)) {
    remove_owned_bundle(st.bundle, st.annotations, [&ctx](const std::string& w) { ctx.warn(w); });
  }
  return {};
}

void remove_owned_bundle(const std::string& bundle,
                         const std::map<std::string, std::string>& annotations,
                         const std::function<void(const std::string&)>& warn) {
  auto store = annotations.find(kBundleStoreAnnotation);
  auto snapshotter = annotations.find(kBundleSnapshotterAnnotation);
  if (store != annotations.end() && snapshotter != annotations.end()) {
    core::Status s = layerfs::release_bundle_rootfs(store->second, snapshotter->second, bundle);
    if (!s.is_ok()) {
      // Deleting through a mounted rootfs would empty the snapshot: keep it all.
      warn("cannot release the rootfs snapshot of generated bundle " + bundle + ": " +
           s.error().to_string());
      return;
    }
  }
  // Whatever the annotations say, never delete through a mounted rootfs.
  if (layerfs::mounted_at(std::filesystem::path(bundle) / "rootfs")) {
    warn("generated bundle " + bundle + " is kept: its rootfs is still mounted");
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(bundle, ec);
  if (ec) warn("cannot remove generated bundle " + bundle + ": " + ec.message());
}

}  // namespace runtime::lifecycle
