// `lxcri image mount NAME:TAG DIR` and `lxcri image umount DIR`: an image's
// root filesystem, read-only, at a directory, from the store's snapshots.
//
// mount commits the image's layers as snapshots (layerfs/image_layers.h;
// layers already there are reused, nothing is unpacked twice), makes a view
// of the top layer keyed "mount:<DIR>" and mounts it. umount unmounts DIR and
// removes that view; the layers stay for the next mount or container.
#include <cstdio>
#include <filesystem>

#include "exit_codes.h"
#include "image_actions.h"
#include "layerfs/image_layers.h"
#include "layerfs/mount.h"
#include "layerfs/open_snapshotter.h"

namespace lxcri {

namespace {

std::string mount_key(const std::filesystem::path& dir) {
  return "mount:" + std::filesystem::weakly_canonical(std::filesystem::absolute(dir)).string();
}

}  // namespace

int mount_image(const ImageOptions& o) {
  int code = kExitOk;
  std::optional<LeasedImage> image = open_leased_image(o, code);
  if (!image) return code;
  if (!std::filesystem::is_directory(o.target)) {
    return report_error(core::Error(core::ErrorCode::kNotFound, "no such directory to mount at")
                            .with_file(o.target));
  }
  auto snapshots = layerfs::open_snapshotter(image->store.root(), o.snapshotter);
  if (!snapshots.is_ok()) return report_error(snapshots.error());
  auto layers = layerfs::commit_image_layers(*snapshots.value(), image->store, image->image());
  if (!layers.is_ok()) return report_error(layers.error());
  if (layers.value().top.empty()) {
    return report_error(core::Error(core::ErrorCode::kFailedPrecondition,
                                    image->ref.str() + " has no layers: nothing to mount"));
  }
  const std::string key = mount_key(o.target);
  auto mounts =
      snapshots.value()->view(key, layers.value().top, {{"lxcri.image", image->ref.str()}});
  if (!mounts.is_ok()) return report_error(mounts.error());
  if (core::Status s = layerfs::mount_all(mounts.value(), o.target); !s.is_ok()) {
    (void)snapshots.value()->remove(key);
    return report_error(s.error());
  }
  std::printf("%s\n", std::filesystem::weakly_canonical(o.target).c_str());
  return kExitOk;
}

int unmount_image(const ImageOptions& o) {
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  auto snapshots = layerfs::open_snapshotter(store.value().root(), o.snapshotter);
  if (!snapshots.is_ok()) return report_error(snapshots.error());
  const std::string key = mount_key(o.target);
  auto info = snapshots.value()->stat(key);
  if (!info.is_ok()) {
    return report_error(
        core::Error(core::ErrorCode::kNotFound, "no image is mounted there by lxcri image mount")
            .with_file(o.target));
  }
  // Only our own mount is taken down; not mounted any more (a reboot), the
  // view still goes, and whatever else is mounted there stays.
  auto mounts = snapshots.value()->mounts(key);
  if (!mounts.is_ok()) return report_error(mounts.error());
  if (!mounts.value().empty() && layerfs::is_mount_of(mounts.value()[0], o.target)) {
    if (core::Status s = layerfs::unmount(o.target); !s.is_ok()) return report_error(s.error());
  }
  if (core::Status s = snapshots.value()->remove(key); !s.is_ok()) return report_error(s.error());
  return kExitOk;
}

}  // namespace lxcri
