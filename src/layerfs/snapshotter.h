// layerfs/snapshotter.h: copy-on-write snapshots for image layers and
// container root filesystems, over a Driver (overlayfs, ...).
//
// The model is containerd's (snapshot.h): prepare() makes an active
// snapshot on a committed parent, commit() freezes it under a name, view()
// gives a read-only look, mounts() says how to see one, remove() deletes one
// that has no children. Keys are the caller's: an image layer is committed
// under its ChainID, so every image that shares the layer shares the
// snapshot.
//
// Crash safety: the records live in <root>/metadata.json, replaced
// atomically (metadata.h). Storage is made before the record that names it
// and removed after the record is gone, so a crash can leave only storage no
// record names, which open() removes. (On a full disk, where the records
// cannot be rewritten, remove() frees the storage first and then saves.) Every change holds
// <root>/lock (exclusive; readers take it shared), so processes and threads can share a store.
//
// Errors: an unknown key is kNotFound, a key or name in use kAlreadyExists, a
// parent that is not committed, a commit of what is not active, a removal of
// a snapshot with children kFailedPrecondition; each names the snapshots.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "layerfs/driver.h"
#include "layerfs/snapshot.h"

namespace layerfs {

using Labels = std::map<std::string, std::string>;

class Snapshotter {
 public:
  // Opens the store at `root` (made if missing) over `driver`, and removes
  // the storage a crash left without a record (what cannot be removed now is
  // tried again at the next open).
  static core::Result<std::unique_ptr<Snapshotter>> open(std::filesystem::path root,
                                                         std::unique_ptr<Driver> driver);

  // A new active snapshot `key` on committed `parent` ("" for none).
  core::Result<std::vector<Mount>> prepare(const std::string& key, const std::string& parent,
                                           const Labels& labels = {});
  // A new read-only view `key` of committed `parent`.
  core::Result<std::vector<Mount>> view(const std::string& key, const std::string& parent,
                                        const Labels& labels = {});
  // Active `key` becomes committed snapshot `name` (and `key` is gone).
  core::Status commit(const std::string& name, const std::string& key, const Labels& labels = {});
  // Removes `key`, which must have no children.
  core::Status remove(const std::string& key);
  // Removes `key`, then each parent in turn that no other snapshot uses
  // (children before parents); stops at a parent still in use.
  core::Status remove_chain(const std::string& key);

  core::Result<std::vector<Mount>> mounts(const std::string& key) const;
  core::Result<Info> stat(const std::string& key) const;
  core::Result<Usage> usage(const std::string& key) const;
  // Every snapshot, by key.
  core::Result<std::vector<Info>> walk() const;

  const Driver& driver() const { return *driver_; }
  const std::filesystem::path& root() const { return root_; }

 private:
  Snapshotter(std::filesystem::path root, std::unique_ptr<Driver> driver)
      : root_(std::move(root)), driver_(std::move(driver)) {}

  core::Result<std::vector<Mount>> create(const std::string& key, const std::string& parent,
                                          Kind kind, const Labels& labels);
  core::Status remove_orphans();

  std::filesystem::path root_;
  std::unique_ptr<Driver> driver_;
};

}  // namespace layerfs
