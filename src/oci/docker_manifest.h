// oci/docker_manifest.h: Docker Image Manifest V2 Schema 2 and its manifest
// list, the formats most registries still serve next to OCI's.
//
// Docker's spec is stricter than OCI's about media types: the document's own
// mediaType is required, the config must be a Docker image config, and the
// layers Docker rootfs diffs. Descriptors are read with the same rules as OCI
// ones (digest grammar, size range), so the rest of the image code handles
// both formats alike.
#pragma once

#include <string_view>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/parse_options.h"

namespace oci {

struct DockerManifest {
  Descriptor config;
  std::vector<Descriptor> layers;  // base layer first
};

struct DockerManifestList {
  std::vector<Descriptor> manifests;  // every entry has a platform
};

// schemaVersion 2; mediaType required and
// application/vnd.docker.distribution.manifest.v2+json; config (required) of
// media type application/vnd.docker.container.image.v1+json; layers (required)
// each of a Docker rootfs diff media type (tar, tar.gzip, tar.zstd, foreign).
core::Result<DockerManifest> parse_docker_manifest(std::string_view bytes,
                                                   const ParseOptions& options = {});

// schemaVersion 2; mediaType required and
// application/vnd.docker.distribution.manifest.list.v2+json; manifests
// (required, may be empty), each a descriptor with a required platform.
core::Result<DockerManifestList> parse_docker_manifest_list(std::string_view bytes,
                                                            const ParseOptions& options = {});

}  // namespace oci
