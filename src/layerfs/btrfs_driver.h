// layerfs/btrfs_driver.h: snapshots as btrfs subvolumes.
//
// Under <root>/snapshots/<id> each snapshot is a subvolume: a parentless one
// is created empty, one on a chain is a btrfs snapshot of its parent's
// subvolume (copy-on-write at the extent level, made in constant time), a
// view is a read-only snapshot. Commit sets the subvolume read-only. Mounts
// are binds of the subvolume. Driven through the kernel's ioctls
// (linux/btrfs.h), so btrfs-progs is not needed at run time. The store must
// be on btrfs; open() says so otherwise.
#pragma once

#include <filesystem>
#include <memory>

#include "layerfs/driver.h"

namespace layerfs {

class BtrfsDriver final : public Driver {
 public:
  static core::Result<std::unique_ptr<BtrfsDriver>> open(const std::filesystem::path& root);

  core::Status create(const std::string& id, const std::vector<std::string>& chain,
                      Kind kind) override;
  core::Result<std::vector<Mount>> mounts(const std::string& id,
                                          const std::vector<std::string>& chain,
                                          Kind kind) const override;
  core::Status commit(const std::string& id) override;
  core::Status remove(const std::string& id) override;
  // du-style: extents shared with the parent count in full (exclusive usage
  // would need btrfs quota groups, which a store cannot assume are on).
  core::Result<Usage> usage(const std::string& id) const override;
  core::Result<std::vector<std::string>> stored_ids() const override;

 private:
  explicit BtrfsDriver(std::filesystem::path snapshots) : snapshots_(std::move(snapshots)) {}

  std::filesystem::path snapshots_;  // <root>/snapshots, on btrfs
};

}  // namespace layerfs
