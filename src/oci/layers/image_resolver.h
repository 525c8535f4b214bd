// oci/layers/image_resolver.h: "the image behind this ref": from a root
// descriptor (a ref's target) down to one image manifest, its config and its
// layers with their DiffIDs and ChainIDs.
//
// `inspect`, `unpack`, `export`, `ls` and the layer graph all start here, so
// every check an image must pass before it is used is made once, in one place:
//  * indexes and Docker manifest lists are followed by platform
//    (platform_select.h), through nested indexes, depth-first along the one
//    chosen path. An index met again on that path is a cycle (kCycle,
//    "index cycle: sha256:a -> sha256:b -> sha256:a"); more than
//    kMaxIndexDepth nested indexes is refused (kInvalidArgument). With
//    verified blobs a cycle would need a hash fixed point, but documents can
//    also come from a MetadataCache the caller filled, so it is checked;
//  * the manifest's config is read and parsed; its layer count must equal the
//    count of rootfs.diff_ids (kInvalidArgument naming both counts);
//  * the config's os/architecture must be one `want` can run (platform.h;
//    kFailedPrecondition naming both platforms);
//  * a missing blob is kNotFound naming the digest and what referred to it
//    ("config sha256:... of manifest sha256:...: blob ... not found"); every
//    other error of a document is prefixed the same way.
// Docker v2 manifests are converted to `Manifest`; their media types (the
// manifest's, the config's and the layers') are kept as written, so unpack
// still knows a Docker rootfs diff from an OCI layer.
#pragma once

#include <cstddef>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/image_config.h"
#include "oci/layers/layer.h"
#include "oci/layers/metadata_cache.h"
#include "oci/manifest.h"
#include "oci/platform.h"
#include "oci/store/store.h"

namespace oci::layers {

// Indexes nested deeper than this are refused. Real images nest at most two
// (a layout's index.json entry naming a registry's index).
inline constexpr std::size_t kMaxIndexDepth = 8;

struct ResolvedImage {
  Descriptor manifest_descriptor;
  // The indexes and lists passed through, root first; empty when the root is
  // the manifest itself.
  std::vector<Digest> index_path;
  Manifest manifest;
  Descriptor config_descriptor;
  ImageConfig config;
  std::vector<Layer> layers;  // base layer first
};

// `cache` may be null: documents are then read and parsed every time.
core::Result<ResolvedImage> resolve_image(const store::Store& store, const Descriptor& root,
                                          const Platform& want, MetadataCache* cache);

}  // namespace oci::layers
