// layerfs/mount.h: making a snapshot's mounts (snapshot.h) real.
//
// mount_all() performs them in order at `target` with mount(2): a bind (with
// "ro" made read-only by a remount, since a bind ignores MS_RDONLY) or an
// overlay. Overlay options longer than the kernel takes in one call (a page)
// are given relative to the directory their layers share, from a child
// process that changes into it (containerd does the same), so a deep image
// is not a failure. Errors name the target and the mount.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "layerfs/snapshot.h"

namespace layerfs {

core::Status mount_all(const std::vector<Mount>& mounts, const std::filesystem::path& target);

// What is mounted at `target` now (the top mount, from /proc/self/mountinfo),
// or nullopt when nothing is.
struct MountedAt {
  std::string fstype;         // "overlay", "tmpfs", ...
  std::string root;           // the path within its filesystem that is mounted
  std::string super_options;  // "rw,lowerdir=...,upperdir=..."
};
std::optional<MountedAt> mounted_at(const std::filesystem::path& target);

// Whether the top mount at `target` is the one mount_all({m}, target) made:
// the same kind of mount of the same directories. What the user mounted there
// since (after a reboot lost ours) is not.
bool is_mount_of(const Mount& m, const std::filesystem::path& target);

// Unmounts the top mount at `target`, once. kNotFound when nothing is mounted
// there; kFailedPrecondition when it is busy, unless `detach` (then it is
// detached lazily and goes when its last user does).
core::Status unmount(const std::filesystem::path& target, bool detach = false);

}  // namespace layerfs
