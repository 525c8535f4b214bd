// lxcri-init/container_setup.h: the filesystem work the init helper does
// inside the container before `start`, as root: device nodes, masked paths,
// read-only paths. Each returns an empty string or what failed.
#pragma once

#include <string>
#include <vector>

#include "runtime/lxc/init_plan.h"

namespace lxcri_init {

// The symlinks every container has: /dev/fd, /dev/std{in,out,err},
// /dev/ptmx -> pts/ptmx, /dev/core.
std::string create_default_links();
// mknod (or keep what liblxc's autodev made when it is the same device),
// then chown/chmod as the config says.
std::string create_devices(const std::vector<runtime::lxc::PlanDevice>& devices);
// /dev/null over files, an empty read-only tmpfs over directories; paths that
// do not exist are skipped, as the spec allows.
std::string mask_paths(const std::vector<std::string>& paths);
// Bind each path onto itself, then remount it read-only.
std::string make_readonly(const std::vector<std::string>& paths);
// Sets the propagation of "/" and everything below it: "shared", "slave",
// "private", "unbindable" (an r-prefix means the same here: always recursive).
std::string set_root_propagation(const std::string& mode);
// Remounts the container's root read-only (its submounts stay as they are).
std::string make_root_readonly();
// Detaches the helper's directory `dir` ("/dev/.lxcri/") and its binary
// and removes the mount point: the last step before the user's program.
std::string hide_init_dir(const std::string& dir);

}  // namespace lxcri_init
