// layerfs/layer_gc.h: removing the committed layer snapshots that no image
// of the store names any more (what `lxcri image gc` does beside freeing
// blobs).
//
// A layer snapshot (committed under its ChainID, image_layers.h) goes when
// no image of the store names that ChainID, for any platform
// (oci/layers/chain_ids_in_use.h), and no snapshot is built on it. So a
// container's root filesystem or a mounted view keeps its whole chain even
// after its image was removed, and a layer shared with another image stays.
// Removing a layer can leave the one below it unused and childless; that one
// goes in the same call, top first. Snapshots that are not layers
// (containers, views: keys that are not "sha256:...") are never touched.
//
// The store's lock is held exclusive throughout (Store::exclusive), so no
// import and no layer commit (both hold a lease) can be between committing a
// layer and naming it in a ref or building on it. Must not be called while
// this thread holds a lease.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "layerfs/snapshotter.h"
#include "oci/store/store.h"

namespace layerfs {

struct LayerGcReport {
  std::vector<std::string> removed;  // ChainIDs, in the order removed
  std::uint64_t bytes_freed = 0;     // their usage() before removal
};

core::Result<LayerGcReport> remove_unused_layers(Snapshotter& snapshots,
                                                 const oci::store::Store& store);

}  // namespace layerfs
