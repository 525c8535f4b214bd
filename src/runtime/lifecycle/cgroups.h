// runtime/lifecycle/cgroups.h: the container's cgroup directories on the
// host, as the runtime needs them after liblxc's monitor is gone: to list and
// signal every process (`ps`, `kill --all`), to freeze (`pause`), and to
// remove them on `delete`.
//
// The directories are read from /proc/PID/cgroup of the container's init
// (relative to each hierarchy) joined to where /proc/self/mountinfo says each
// hierarchy is mounted, so v1, v2 and hybrid hosts all work.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace runtime::lifecycle {

struct CgroupDirs {
  std::vector<std::string> dirs;  // absolute, one per hierarchy
  std::string freezer;            // absolute; empty without a v1 freezer
  std::string pids_source;        // the dir whose cgroup.procs lists the processes
};

// The cgroups `pid` is in. Hierarchies where it sits at the root (a
// controller the container does not use) are left out: never remove "/".
core::Result<CgroupDirs> cgroups_of(pid_t pid);

// liblxc's monitor briefly lives in its own cgroup (liblxc insists on a new
// directory): "lxcri.monitor/ID", relative to each hierarchy. The parent
// stays: removing it could race another create making its own.
std::string monitor_cgroup(const std::string& id);
// Removes the monitor cgroups of `id`, killing what a dead monitor left in
// them (a start-host hook it was running).
void remove_monitor_cgroups(const std::string& id);

// Makes the parents of `relative_dir` in the v1 cpuset hierarchy usable: a
// new cpuset cgroup starts with no cpus and no memory nodes, and nothing can
// join one below it (ENOSPC). Missing parents are made, empty ones get their
// parent's cpus and mems, as runc does, and all get clone_children so that
// the last component, which liblxc insists on making, inherits them.
core::Status prepare_cpuset_parents(const std::string& relative_dir);

// Every mount point of a cgroup hierarchy (v1 and v2).
std::vector<std::string> cgroup_mount_points();

// The pids in `dir`/cgroup.procs; empty when the directory is gone.
std::vector<pid_t> cgroup_pids(const std::string& dir);

// Removes `dir` and any child cgroups below it, deepest first. Waits up to
// `timeout_ms` for exiting processes to leave. Missing is success.
core::Status remove_cgroup(const std::string& dir, int timeout_ms);

// Writes FROZEN or THAWED to freezer.state and waits until it holds.
core::Status set_frozen(const std::string& freezer_dir, bool frozen);

}  // namespace runtime::lifecycle
