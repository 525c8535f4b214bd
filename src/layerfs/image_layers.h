// layerfs/image_layers.h: an image's layers as committed snapshots.
//
// Each layer is committed under its ChainID ("sha256:..."), the layer with
// everything below it, so every image that has the same stack up to a layer
// shares that layer's snapshot, and a layer is unpacked once per store.
// commit_image_layers() leaves committed layers alone; each missing one is
// applied (oci/unpack/apply_layer.h, verified against its digest and DiffID)
// into an active snapshot on the layer below, mounted at a private directory,
// then committed. A layer that fails leaves nothing: its active snapshot is
// removed. Two processes committing the same layer at once both succeed; the
// second drops its copy and uses the first's.
//
// The caller keeps the image's blobs alive (a StoreLease) while this runs.
#pragma once

#include <string>

#include "core/error.h"
#include "layerfs/snapshotter.h"
#include "oci/layers/image_resolver.h"
#include "oci/store/store.h"
#include "oci/unpack/rootfs_writer.h"

namespace layerfs {

struct ImageLayersResult {
  std::string top;                 // the top layer's ChainID: the parent for a container
  size_t layers_applied = 0;       // layers that were not committed before
  oci::unpack::UnpackStats stats;  // of the layers applied
};

core::Result<ImageLayersResult> commit_image_layers(Snapshotter& snapshots,
                                                    const oci::store::Store& store,
                                                    const oci::layers::ResolvedImage& image,
                                                    const oci::unpack::UnpackOptions& options = {});

}  // namespace layerfs
