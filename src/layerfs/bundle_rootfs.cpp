#include "layerfs/bundle_rootfs.h"

#include <sys/stat.h>

#include <cerrno>

#include "layerfs/mount.h"
#include "layerfs/open_snapshotter.h"
#include "oci/store/posix_file.h"

namespace layerfs {

std::string bundle_snapshot_key(const std::filesystem::path& bundle_dir) {
  // Symlinks resolved, as the runtime records a bundle (realpath): the same
  // bundle reached another way has the same key.
  return "bundle:" +
         std::filesystem::weakly_canonical(std::filesystem::absolute(bundle_dir)).string();
}

core::Status mount_bundle_rootfs(Snapshotter& snapshots, const std::string& top_layer,
                                 const std::filesystem::path& bundle_dir) {
  const std::filesystem::path rootfs = bundle_dir / "rootfs";
  if (::mkdir(rootfs.c_str(), 0755) != 0) return oci::store::sys_error("mkdir", rootfs, errno);
  const std::string key = bundle_snapshot_key(bundle_dir);
  auto mounts = snapshots.prepare(key, top_layer, {{"lxcri.bundle", bundle_dir.string()}});
  if (!mounts) {
    ::rmdir(rootfs.c_str());
    return mounts.error();
  }
  if (core::Status s = mount_all(mounts.value(), rootfs); !s.is_ok()) {
    (void)snapshots.remove(key);
    ::rmdir(rootfs.c_str());
    return s;
  }
  return core::Status();
}

core::Status release_bundle_rootfs(Snapshotter& snapshots,
                                   const std::filesystem::path& bundle_dir) {
  const std::string key = bundle_snapshot_key(bundle_dir);
  const std::filesystem::path rootfs = bundle_dir / "rootfs";
  auto info = snapshots.stat(key);
  if (!info) {
    if (info.error().code() != core::ErrorCode::kNotFound) return info.error();
    // No snapshot: a plain rootfs, unless something is mounted on it.
    if (mounted_at(rootfs)) {
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "rootfs is a mount this store has no snapshot for; it is left alone")
          .with_file(rootfs.string());
    }
    return core::Status();
  }
  auto mounts = snapshots.mounts(key);
  if (!mounts) return mounts.error();
  if (!mounts.value().empty() && is_mount_of(mounts.value()[0], rootfs)) {
    if (core::Status s = unmount(rootfs); !s.is_ok()) {
      // Busy: detach it but keep the snapshot, whose storage the remaining
      // users still see (overlayfs must not have its layers changed under it).
      (void)unmount(rootfs, /*detach=*/true);
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "rootfs was busy: detached, and its snapshot '" + key +
                             "' kept (lxcri snapshot rm it later)")
          .with_file(rootfs.string());
    }
  } else if (mounted_at(rootfs)) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "something other than its snapshot is mounted on rootfs; left alone")
        .with_file(rootfs.string());
  }
  return snapshots.remove(key);
}

core::Status release_bundle_rootfs(const std::filesystem::path& store_root,
                                   std::string_view snapshotter,
                                   const std::filesystem::path& bundle_dir) {
  auto snapshots = open_snapshotter(store_root, snapshotter);
  if (!snapshots) {
    // A store that cannot take the snapshotter got a plain copy instead
    // (lxcri-image image bundle --snapshot): nothing to release then.
    if (!mounted_at(bundle_dir / "rootfs")) return core::Status();
    return snapshots.error();
  }
  return release_bundle_rootfs(*snapshots.value(), bundle_dir);
}

}  // namespace layerfs
