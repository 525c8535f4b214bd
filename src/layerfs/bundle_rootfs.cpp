#include "layerfs/bundle_rootfs.h"

#include <sys/stat.h>

#include <cerrno>

#include "layerfs/mount.h"
#include "layerfs/open_snapshotter.h"
#include "oci/store/posix_file.h"

namespace layerfs {

std::string bundle_snapshot_key(const std::filesystem::path& bundle_dir) {
  return "bundle:" + std::filesystem::absolute(bundle_dir).lexically_normal().string();
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
  if (!snapshots.stat(key).is_ok()) return core::Status();  // no snapshot: a plain rootfs
  core::Status unmounted = unmount_all(bundle_dir / "rootfs", /*detach=*/true);
  if (!unmounted.is_ok() && unmounted.error().code() != core::ErrorCode::kNotFound) {
    return unmounted;
  }
  return snapshots.remove(key);
}

core::Status release_bundle_rootfs(const std::filesystem::path& store_root,
                                   std::string_view snapshotter,
                                   const std::filesystem::path& bundle_dir) {
  auto snapshots = open_snapshotter(store_root, snapshotter);
  if (!snapshots) return snapshots.error();
  return release_bundle_rootfs(*snapshots.value(), bundle_dir);
}

}  // namespace layerfs
