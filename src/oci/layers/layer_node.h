// oci/layers/layer_node.h: one node of the layer graph (a ChainID), and the
// pool its objects come from.
//
// The store adds and removes images all the time (pulls, gc, re-tags), and a
// node owns several vectors; taking nodes from a core::ObjectPool and
// clearing them on return keeps those vectors' capacity, so churn reuses
// memory instead of allocating it again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/memory/object_pool.h"
#include "oci/descriptor.h"
#include "oci/digest.h"

namespace oci::layers {

struct LayerNode {
  Digest chain_id;
  Digest parent;  // the ChainID below; empty for a base layer
  Digest diff_id;
  // The blobs seen for this layer (the same diff may be stored gzip- and
  // zstd-compressed), each digest once, in the order first seen.
  std::vector<Descriptor> blobs;
  std::vector<std::string> images;  // the image names using it, sorted
  std::vector<Digest> children;     // ChainIDs built on it, in the order added

  // Empties the node, keeping its vectors' capacity.
  void reset();
};

using LayerNodePool = core::ObjectPool<LayerNode>;

// A pool whose objects are reset() when they come back.
std::unique_ptr<LayerNodePool> make_layer_node_pool(const core::PoolConfig& config = {});

}  // namespace oci::layers
