#include "layerfs/open_snapshotter.h"

#include <string>

#include "layerfs/btrfs_driver.h"
#include "layerfs/overlay_driver.h"

namespace layerfs {

core::Result<std::unique_ptr<Snapshotter>> open_snapshotter(const std::filesystem::path& store_root,
                                                            std::string_view name) {
  const std::filesystem::path root = store_root / "snapshots" / std::string(name);
  if (name == "overlayfs") {
    auto driver = OverlayDriver::open(root);
    if (!driver) return driver.error();
    return Snapshotter::open(root, std::move(driver).value());
  }
  if (name == "btrfs") {
    auto driver = BtrfsDriver::open(root);
    if (!driver) return driver.error();
    return Snapshotter::open(root, std::move(driver).value());
  }
  if (name == "zfs" || name == "copy") {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "the " + std::string(name) +
                           " snapshotter is not written yet; overlayfs is the one there is")
        .with_field("--snapshotter");
  }
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "unknown snapshotter '" + std::string(name) +
                         "': overlayfs or btrfs (zfs and copy are planned)")
      .with_field("--snapshotter");
}

}  // namespace layerfs
