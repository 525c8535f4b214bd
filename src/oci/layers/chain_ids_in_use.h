// oci/layers/chain_ids_in_use.h: every ChainID that some image of a store
// names, for every platform it has: the layers that unpacked copies of
// (layerfs's committed snapshots) must keep.
//
// Unlike resolve_image, which follows an index to the one manifest a
// platform wants, this walks every manifest an index names (through nested
// indexes, each document once, at most kMaxIndexDepth deep), so a layer
// unpacked for another platform's variant is in use as long as that variant
// is in the store. Manifests whose config is not an image config (artifacts)
// have no layers to unpack and add nothing, and so do the manifests an index
// names that are not in the store (platforms not pulled).
//
// Errors: the first document of any ref that cannot be read or parsed, named
// with the ref, since a caller deleting what is not in use must not guess.
#pragma once

#include <set>
#include <string>

#include "core/error.h"
#include "oci/store/store.h"

namespace oci::layers {

// ChainIDs as text ("sha256:...").
core::Result<std::set<std::string>> chain_ids_in_use(const store::Store& store);

}  // namespace oci::layers
