// layerfs/bundle_rootfs.h: a generated bundle's root filesystem as an active
// snapshot (`lxcri run IMAGE`, `lxcri create --image`).
//
// BUNDLE/rootfs is the mount point of an active snapshot keyed
// "bundle:<BUNDLE>" on the image's top layer: the container writes into its
// own upper layer, the image's layers are shared and were unpacked once, and
// making a root filesystem costs a mount instead of a copy.
// release_bundle_rootfs() undoes it (unmounts rootfs/, then removes the
// snapshot) and is what must run before such a bundle is deleted: deleting
// through the mount would empty the snapshot and leave the mount behind. It
// never unmounts what is not the snapshot's own mount; when rootfs/ is busy
// it detaches it and keeps the snapshot. An error from it means: do not
// delete the bundle.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"
#include "layerfs/snapshotter.h"

namespace layerfs {

std::string bundle_snapshot_key(const std::filesystem::path& bundle_dir);

// Makes BUNDLE/rootfs and mounts a new active snapshot on `top_layer` there.
// On failure nothing is left of it (no mount, no snapshot, no rootfs/).
core::Status mount_bundle_rootfs(Snapshotter& snapshots, const std::string& top_layer,
                                 const std::filesystem::path& bundle_dir);

// Unmounts BUNDLE/rootfs and removes its snapshot; OK when it has none.
core::Status release_bundle_rootfs(Snapshotter& snapshots, const std::filesystem::path& bundle_dir);
// The same for the runtime, which knows the store and snapshotter by name
// (open_snapshotter.h).
core::Status release_bundle_rootfs(const std::filesystem::path& store_root,
                                   std::string_view snapshotter,
                                   const std::filesystem::path& bundle_dir);

}  // namespace layerfs
