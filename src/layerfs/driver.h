// layerfs/driver.h: the filesystem work behind the snapshotter, one class per
// backend (overlay_driver.h, ...).
//
// The Snapshotter (snapshotter.h) owns the metadata (keys, kinds, parents,
// labels) and decides what is allowed; a Driver only makes, freezes and
// removes the storage of one snapshot, named by the numeric id the
// Snapshotter gives it, and says how to mount it. `chain` is always the
// committed ancestry of the snapshot, its parent first, as ids.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "layerfs/snapshot.h"

namespace layerfs {

class Driver {
 public:
  virtual ~Driver() = default;

  // Makes the storage of a new active or view snapshot `id` showing its
  // chain's tree (an empty directory for an empty chain).
  virtual core::Status create(const std::string& id, const std::vector<std::string>& chain,
                              Kind kind) = 0;
  // How to mount active or view snapshot `id`.
  virtual core::Result<std::vector<Mount>> mounts(const std::string& id,
                                                  const std::vector<std::string>& chain,
                                                  Kind kind) const = 0;
  // Makes active snapshot `id` a committed one: immutable from now on, a
  // parent for others. Doing it twice is harmless (a crash may repeat it).
  virtual core::Status commit(const std::string& id) = 0;
  // Removes the storage of `id`; OK when there is none (a create a crash
  // interrupted).
  virtual core::Status remove(const std::string& id) = 0;
  // The space `id` uses of its own, not counting its parents'.
  virtual core::Result<Usage> usage(const std::string& id) const = 0;
  // The ids that have storage, to find what a crash left without metadata.
  virtual core::Result<std::vector<std::string>> stored_ids() const = 0;
};

}  // namespace layerfs
