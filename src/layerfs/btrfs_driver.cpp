#include "layerfs/btrfs_driver.h"

#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "layerfs/disk_usage.h"
#include "layerfs/storage_dir.h"
#include "oci/store/posix_file.h"

namespace layerfs {

namespace {

using oci::store::sys_error;
using oci::store::UniqueFd;

core::Result<UniqueFd> open_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return sys_error("open", dir, errno);
  return UniqueFd(fd);
}

template <typename Args>
void set_name(Args& args, const std::string& name) {
  std::strncpy(args.name, name.c_str(), sizeof args.name - 1);
}

// The root directory of every subvolume has this inode number.
constexpr ino_t kSubvolumeRootInode = 256;

// BTRFS_IOC_SNAP_DESTROY of the subvolume at `path`: 0 or an errno.
int destroy_one(const std::filesystem::path& path) {
  int fd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  UniqueFd parent(fd);
  struct btrfs_ioctl_vol_args args {};
  set_name(args, path.filename().string());
  return ::ioctl(parent.get(), BTRFS_IOC_SNAP_DESTROY, &args) == 0 ? 0 : errno;
}

// Deletes the subvolume at `path`. The kernel refuses one that holds other
// subvolumes (a container may have made some): those go first, then it.
core::Status destroy_subvolume(const std::filesystem::path& path) {
  int err = destroy_one(path);
  if (err == ENOTEMPTY) {
    std::vector<std::filesystem::path> nested;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      struct stat st {};
      if (::lstat(it->path().c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
          st.st_ino == kSubvolumeRootInode) {
        nested.push_back(it->path());
        it.disable_recursion_pending();
      }
    }
    for (const auto& inner : nested) {
      if (core::Status s = destroy_subvolume(inner); !s.is_ok()) return s;
    }
    err = destroy_one(path);
  }
  if (err == 0) return core::Status();
  // Not a subvolume: what a create that failed half-way may leave.
  if (err == ENOTTY || err == EINVAL) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (!ec) return core::Status();
  }
  return sys_error("deleting the subvolume", path, err);
}

}  // namespace

core::Result<std::unique_ptr<BtrfsDriver>> BtrfsDriver::open(const std::filesystem::path& root) {
  auto made = make_snapshots_dir(root);
  if (!made) return made.error();
  std::filesystem::path snapshots = std::move(made).value();
  struct statfs fs {};
  if (::statfs(snapshots.c_str(), &fs) != 0) return sys_error("statfs", snapshots, errno);
  if (fs.f_type != BTRFS_SUPER_MAGIC) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "the btrfs snapshotter needs its store on a btrfs filesystem, and this "
                       "is not one: give --store a directory on btrfs, or use overlayfs")
        .with_file(snapshots.string());
  }
  return std::unique_ptr<BtrfsDriver>(new BtrfsDriver(std::move(snapshots)));
}

core::Status BtrfsDriver::create(const std::string& id, const std::vector<std::string>& chain,
                                 Kind kind) {
  auto dir = open_dir(snapshots_);
  if (!dir) return dir.error();
  if (chain.empty()) {
    struct btrfs_ioctl_vol_args args {};
    set_name(args, id);
    if (::ioctl(dir.value().get(), BTRFS_IOC_SUBVOL_CREATE, &args) != 0) {
      return sys_error("creating a subvolume", snapshots_ / id, errno);
    }
    return core::Status();
  }
  auto parent = open_dir(snapshots_ / chain[0]);
  if (!parent) return parent.error();
  struct btrfs_ioctl_vol_args_v2 args {};
  args.fd = parent.value().get();
  if (kind == Kind::kView) args.flags = BTRFS_SUBVOL_RDONLY;
  set_name(args, id);
  if (::ioctl(dir.value().get(), BTRFS_IOC_SNAP_CREATE_V2, &args) != 0) {
    return sys_error("snapshotting subvolume " + chain[0], snapshots_ / id, errno);
  }
  return core::Status();
}

core::Result<std::vector<Mount>> BtrfsDriver::mounts(const std::string& id,
                                                     const std::vector<std::string>&,
                                                     Kind kind) const {
  return bind_mount((snapshots_ / id).string(), kind == Kind::kView);
}

core::Status BtrfsDriver::commit(const std::string& id) {
  auto subvol = open_dir(snapshots_ / id);
  if (!subvol) return subvol.error();
  std::uint64_t flags = 0;
  if (::ioctl(subvol.value().get(), BTRFS_IOC_SUBVOL_GETFLAGS, &flags) != 0) {
    return sys_error("reading the subvolume's flags", snapshots_ / id, errno);
  }
  flags |= BTRFS_SUBVOL_RDONLY;
  if (::ioctl(subvol.value().get(), BTRFS_IOC_SUBVOL_SETFLAGS, &flags) != 0) {
    return sys_error("making the subvolume read-only", snapshots_ / id, errno);
  }
  return core::Status();
}

core::Status BtrfsDriver::remove(const std::string& id) {
  std::error_code ec;
  if (!std::filesystem::exists(snapshots_ / id, ec)) return core::Status();
  return destroy_subvolume(snapshots_ / id);
}

core::Result<Usage> BtrfsDriver::usage(const std::string& id) const {
  return disk_usage(snapshots_ / id);
}

core::Result<std::vector<std::string>> BtrfsDriver::stored_ids() const {
  return list_ids(snapshots_);
}

}  // namespace layerfs
