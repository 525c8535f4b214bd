// oci/layers/layer.h: one layer of a resolved image, as the resolver hands it
// out and the layer graph stores it.
//
// The three names of a layer answer different questions: the blob (what to
// read, possibly compressed, with its media type), the DiffID (what the
// uncompressed tar must hash to) and the ChainID (this layer with everything
// under it: what two images can share).
#pragma once

#include "oci/descriptor.h"
#include "oci/digest.h"

namespace oci::layers {

struct Layer {
  Descriptor blob;
  Digest diff_id;
  Digest chain_id;
};

}  // namespace oci::layers
