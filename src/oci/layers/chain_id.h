// oci/layers/chain_id.h: the ChainIDs of a stack of layers (image-spec
// config.md, "Layer ChainID").
//
// A DiffID names one uncompressed layer; a ChainID names a layer *together
// with everything under it*, so two images share an unpacked layer exactly
// when they share its ChainID. That is the key of the layer graph and of
// unpacked snapshots:
//   ChainID(L0) = DiffID(L0)
//   ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))
// (the hash is over the two digests' text, "sha256:..." included).
#pragma once

#include <span>
#include <vector>

#include "oci/digest.h"

namespace oci::layers {

// One ChainID per DiffID, base layer first; empty for no layers.
std::vector<Digest> chain_ids(std::span<const Digest> diff_ids);

// The ChainID of a layer with DiffID `diff_id` on top of the chain `parent`.
Digest next_chain_id(const Digest& parent, const Digest& diff_id);

}  // namespace oci::layers
