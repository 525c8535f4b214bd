#include "layerfs/open_snapshotter.h"

#include <string>

#include "layerfs/btrfs_driver.h"
#include "layerfs/copy_driver.h"
#include "layerfs/overlay_driver.h"
#include "layerfs/zfs_driver.h"

namespace layerfs {

namespace {

template <typename DriverType>
core::Result<std::unique_ptr<Snapshotter>> open_with(const std::filesystem::path& root) {
  auto driver = DriverType::open(root);
  if (!driver) return driver.error();
  return Snapshotter::open(root, std::move(driver).value());
}

}  // namespace

core::Result<std::unique_ptr<Snapshotter>> open_snapshotter(const std::filesystem::path& store_root,
                                                            std::string_view name) {
  return open_snapshotter_at(store_root / "snapshots" / std::string(name), name);
}

core::Result<std::unique_ptr<Snapshotter>> open_snapshotter_at(const std::filesystem::path& root,
                                                               std::string_view name) {
  if (name == "overlayfs") return open_with<OverlayDriver>(root);
  if (name == "btrfs") return open_with<BtrfsDriver>(root);
  if (name == "copy") return open_with<CopyDriver>(root);
  if (name == "zfs") return open_with<ZfsDriver>(root);
  return core::Error(
             core::ErrorCode::kInvalidArgument,
             "unknown snapshotter '" + std::string(name) + "': overlayfs, btrfs, zfs or copy")
      .with_field("--snapshotter");
}

}  // namespace layerfs
