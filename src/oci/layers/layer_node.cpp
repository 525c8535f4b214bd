#include "oci/layers/layer_node.h"

namespace oci::layers {

void LayerNode::reset() {
  chain_id = Digest();
  parent = Digest();
  diff_id = Digest();
  blobs.clear();
  images.clear();
  children.clear();
}

std::unique_ptr<LayerNodePool> make_layer_node_pool(const core::PoolConfig& config) {
  return std::make_unique<LayerNodePool>(config, nullptr, [](LayerNode& node) { node.reset(); });
}

}  // namespace oci::layers
