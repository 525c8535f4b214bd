// runtime/lxc/lxc_config.h: an OCI config translated to liblxc config items.
//
// What liblxc does for us, and which key carries it:
//   rootfs, readonly, propagation   lxc.rootfs.path/.options (managed = 0)
//   namespaces                      lxc.namespace.clone / .keep / .share.*
//   uid/gid mappings                lxc.idmap
//   hostname                        lxc.uts.name
//   mounts                          lxc.mount.entry, in order, at mount points
//                                   made inside the root (mount_target.h); a
//                                   /dev tmpfs first when the config has none;
//                                   cgroup mounts become lxc.mount.auto
//   cgroups (v1 controllers)        lxc.cgroup.dir.*, lxc.cgroup.<controller>.<file>
//   sysctl, rlimits, oomScoreAdj    lxc.sysctl.*, lxc.prlimit.*, lxc.proc.oom_score_adj
//   prestart + createRuntime hooks  lxc.hook.start-host (runs `lxcri __hook`)
// Everything about the process itself (user, capabilities, no_new_privs,
// seccomp, default and configured devices, masked and read-only paths, the
// read-only root, the other hooks) is the init helper's, see init_plan.h.
// Building the items has one side effect: missing mount points are created
// in the rootfs, as runc does at create. The host-specific settings the architecture
// document asks for are always set: no console, no AppArmor, no lxcfs hooks,
// and `lxc.monitor.signal.pdeath = 0` so the container outlives liblxc's
// monitor (container_start.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "runtime/spec/config.h"

namespace runtime::lxc {

using ConfigItems = std::vector<std::pair<std::string, std::string>>;

struct HostPaths {
  std::string bundle;            // absolute
  std::string init_dir;          // host dir bind-mounted at kInitDirInContainer
  std::string init_binary;       // host path of lxcri-init
  std::string hook_command;      // shell command for lxc.hook.start-host; may be empty
  std::string cgroup_container;  // relative to the cgroup roots
  std::string cgroup_monitor;
  std::string log_file;
  bool debug = false;
};

inline constexpr const char* kInitDirInContainer = "/dev/.lxcri";

core::Result<ConfigItems> lxc_config(const spec::Config& config, const HostPaths& paths);

// The cgroup directory for a container: linux.cgroupsPath when given (its
// leading '/' dropped), else "lxcri/<id>".
std::string cgroup_dir(const spec::Config& config, const std::string& id);

}  // namespace runtime::lxc
