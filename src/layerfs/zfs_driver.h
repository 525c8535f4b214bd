// layerfs/zfs_driver.h: snapshots as ZFS datasets (what Proxmox nodes store
// containers on), driven through the `zfs` command.
//
// Under a parent dataset the operator gives (LXCRI_ZFS_DATASET, e.g.
// rpool/lxcri) each store has a dataset of its own, STORE =
// DATASET/store-<hash of its directory> (not mounted; its property
// org.lxcri:root names the directory, so two stores never take each other's
// datasets for leftovers). Each snapshot is a dataset STORE/<id>, mounted by
// ZFS at <root>/snapshots/<id>:
//   no parent   `zfs create`
//   on a chain  `zfs clone STORE/<parent>@layer` (copy-on-write, constant
//               time); a view is read-only through its bind mount
//   commit      `zfs snapshot STORE/<id>@layer`, then readonly=on
//   remove      `zfs destroy -r STORE/<id>` (its @layer with it)
// Properties are set on purpose, not inherited by accident: mountpoint
// (ours), canmount=on, atime=off (a layer is read all day), and
// devices/setuid left as the parent has them (containers need both).
// Usage in bytes is ZFS's own `used` (what the dataset holds beyond its
// origin), which ZFS updates when it syncs a transaction group, seconds
// after a write (containerd reads it the same way); inodes are counted by
// walking it. On a machine without ZFS, open() refuses with a message saying
// what is missing. The kernel's ZFS and zfs-fuse (the tests use it where the
// kernel has none) both work.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "layerfs/driver.h"

namespace layerfs {

class ZfsDriver final : public Driver {
 public:
  // The dataset comes from LXCRI_ZFS_DATASET (default "rpool/lxcri").
  static core::Result<std::unique_ptr<ZfsDriver>> open(const std::filesystem::path& root);
  static core::Result<std::unique_ptr<ZfsDriver>> open(const std::filesystem::path& root,
                                                       const std::string& dataset);

  core::Status create(const std::string& id, const std::vector<std::string>& chain,
                      Kind kind) override;
  core::Result<std::vector<Mount>> mounts(const std::string& id,
                                          const std::vector<std::string>& chain,
                                          Kind kind) const override;
  core::Status commit(const std::string& id) override;
  core::Status remove(const std::string& id) override;
  core::Result<Usage> usage(const std::string& id) const override;
  core::Result<std::vector<std::string>> stored_ids() const override;

 private:
  ZfsDriver(std::filesystem::path snapshots, std::string dataset)
      : snapshots_(std::move(snapshots)), dataset_(std::move(dataset)) {}
  std::string dataset_of(const std::string& id) const { return dataset_ + "/" + id; }

  std::filesystem::path snapshots_;  // <root>/snapshots: the mount points
  std::string dataset_;              // this store's dataset (STORE above)
};

}  // namespace layerfs
