#include "layerfs/overlay_driver.h"

#include <linux/magic.h>
#include <sys/statfs.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "layerfs/disk_usage.h"
#include "layerfs/storage_dir.h"
#include "oci/store/posix_file.h"

namespace layerfs {

namespace {

bool kernel_has_overlay() {
  std::ifstream in("/proc/filesystems");
  std::string line;
  while (std::getline(in, line)) {
    if (line.ends_with("\toverlay")) return true;
  }
  return false;
}

core::Status make_dir(const std::filesystem::path& dir) {
  return oci::store::make_store_dir(dir);
}

}  // namespace

core::Result<std::unique_ptr<OverlayDriver>> OverlayDriver::open(
    const std::filesystem::path& root) {
  if (!kernel_has_overlay()) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "the kernel has no overlayfs (modprobe overlay), which the overlayfs "
                       "snapshotter needs; --snapshotter copy works anywhere");
  }
  auto made = make_snapshots_dir(root);
  if (!made) return made.error();
  std::filesystem::path snapshots = std::move(made).value();
  struct statfs fs {};
  if (::statfs(snapshots.c_str(), &fs) != 0) {
    return oci::store::sys_error("statfs", snapshots, errno);
  }
  // Layer paths go into the mount's option string, where these separate
  // options (',') and layers (':') or escape ('\\').
  if (snapshots.string().find_first_of(",:\\") != std::string::npos) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "the overlayfs snapshotter cannot have ',', ':' or '\\' in its store's "
                       "path")
        .with_file(snapshots.string());
  }
  if (fs.f_type == OVERLAYFS_SUPER_MAGIC) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "the snapshot store is on overlayfs, which cannot be an overlay's upper "
                       "layer: put it on another filesystem, or use --snapshotter copy")
        .with_file(snapshots.string());
  }
  return std::unique_ptr<OverlayDriver>(new OverlayDriver(std::move(snapshots)));
}

core::Status OverlayDriver::create(const std::string& id, const std::vector<std::string>& chain,
                                   Kind kind) {
  if (core::Status s = make_dir(snapshots_ / id); !s.is_ok()) return s;
  if (core::Status s = make_dir(fs(id)); !s.is_ok()) return s;
  if (kind == Kind::kActive && !chain.empty()) return make_dir(snapshots_ / id / "work");
  return core::Status();
}

core::Result<std::vector<Mount>> OverlayDriver::mounts(const std::string& id,
                                                       const std::vector<std::string>& chain,
                                                       Kind kind) const {
  const bool view = kind == Kind::kView;
  if (chain.empty()) {
    return bind_mount(fs(id).string(), view);
  }
  if (view && chain.size() == 1) {
    return bind_mount(fs(chain[0]).string(), /*read_only=*/true);
  }
  std::string lower = "lowerdir=";
  for (size_t i = 0; i < chain.size(); ++i)
    lower += (i == 0 ? "" : ":") + fs(chain[i]).string();
  if (view) return std::vector<Mount>{{"overlay", "overlay", {"ro", lower}}};
  // index=off: an active snapshot is mounted by one container at a time, and
  // the index would tie its upper directory to these exact lower directories.
  return std::vector<Mount>{{"overlay",
                             "overlay",
                             {lower, "upperdir=" + fs(id).string(),
                              "workdir=" + (snapshots_ / id / "work").string(), "index=off"}}};
}

core::Status OverlayDriver::commit(const std::string& id) {
  // The work directory only matters while mounted; a committed layer is read
  // through lowerdir, which needs none.
  std::error_code ec;
  std::filesystem::remove_all(snapshots_ / id / "work", ec);
  if (ec) return oci::store::sys_error("removing the work directory", snapshots_ / id, ec.value());
  return core::Status();
}

core::Status OverlayDriver::remove(const std::string& id) {
  std::error_code ec;
  std::filesystem::remove_all(snapshots_ / id, ec);
  if (ec) return oci::store::sys_error("removing the snapshot", snapshots_ / id, ec.value());
  return core::Status();
}

core::Result<Usage> OverlayDriver::usage(const std::string& id) const {
  return disk_usage(fs(id));
}

core::Result<std::vector<std::string>> OverlayDriver::stored_ids() const {
  return list_ids(snapshots_);
}

}  // namespace layerfs
