// layerfs/overlay_driver.h: snapshots as overlayfs layers (the default).
//
// Under <root>/snapshots/<id>/: `fs` is the snapshot's own tree (a committed
// layer's files, or an active snapshot's upper directory) and `work` the
// overlay's work directory. An active snapshot on a chain mounts as an
// overlay (lowerdir = the chain's fs directories, parent first; upperdir and
// workdir its own); without a parent it is a bind mount of its fs. A view of
// one layer is a read-only bind of that layer, of several a read-only overlay.
#pragma once

#include <filesystem>
#include <memory>

#include "layerfs/driver.h"

namespace layerfs {

class OverlayDriver final : public Driver {
 public:
  // Checks that the kernel has overlayfs (/proc/filesystems) and that `root`
  // is on a filesystem overlayfs can use as an upper layer (not overlayfs).
  static core::Result<std::unique_ptr<OverlayDriver>> open(const std::filesystem::path& root);

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
  explicit OverlayDriver(std::filesystem::path snapshots) : snapshots_(std::move(snapshots)) {}
  std::filesystem::path fs(const std::string& id) const { return snapshots_ / id / "fs"; }

  std::filesystem::path snapshots_;  // <root>/snapshots
};

}  // namespace layerfs
