// layerfs/copy_driver.h: snapshots as plain directories, for any filesystem.
//
// <root>/snapshots/<id> is the snapshot's whole tree. A child starts as a
// copy of its parent made by `cp -a --reflink=auto` (coreutils: owners,
// modes, times, xattrs, hard links, devices; on btrfs or XFS the data is
// shared by reflink, elsewhere copied), so it costs what the parent weighs
// unless the filesystem can clone. Mounts are binds. The fallback where
// neither overlayfs nor btrfs can be used; it trades disk and time for that.
#pragma once

#include <filesystem>
#include <memory>

#include "layerfs/driver.h"

namespace layerfs {

class CopyDriver final : public Driver {
 public:
  static core::Result<std::unique_ptr<CopyDriver>> open(const std::filesystem::path& root);

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
  explicit CopyDriver(std::filesystem::path snapshots) : snapshots_(std::move(snapshots)) {}

  std::filesystem::path snapshots_;  // <root>/snapshots
};

}  // namespace layerfs
