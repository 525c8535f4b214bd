// LayerGraph::from_store: the layer graph of every image a store names.
#include <utility>

#include "oci/layers/image_resolver.h"
#include "oci/layers/layer_graph.h"

namespace oci::layers {

core::Result<StoreLayerGraph> LayerGraph::from_store(const store::Store& store,
                                                     const Platform& want, MetadataCache* cache) {
  auto refs = store.list_refs();
  if (!refs) return refs.error();
  StoreLayerGraph result;
  for (const store::RefEntry& entry : refs.value()) {
    auto image = resolve_image(store, entry.descriptor, want, cache);
    if (!image) {
      result.failures.push_back(RefFailure{entry.name, image.error()});
      continue;
    }
    if (core::Status added = result.graph.add_image(entry.name, image.value().layers); !added) {
      result.failures.push_back(RefFailure{entry.name, added.error()});
    }
  }
  return result;
}

}  // namespace oci::layers
