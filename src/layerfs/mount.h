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
#include <vector>

#include "core/error.h"
#include "layerfs/snapshot.h"

namespace layerfs {

core::Status mount_all(const std::vector<Mount>& mounts, const std::filesystem::path& target);

// Unmounts everything mounted at `target` (the last mount first, as often as
// needed). `detach`: lazily, when a process still uses it. kNotFound when
// nothing is mounted there.
core::Status unmount_all(const std::filesystem::path& target, bool detach = false);

}  // namespace layerfs
