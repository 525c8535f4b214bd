// oci/media_types.h: the media types of OCI and Docker image documents and
// layers, the RFC 6838 syntax check, and what a layer type says about its
// compression.
//
// A descriptor's mediaType is the only thing that says how to read the blob
// it names, so these are compared as exact strings; the constants keep the
// spelling in one place.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace oci::media_type {

// OCI image-spec (media-types.md).
inline constexpr std::string_view kOciDescriptor = "application/vnd.oci.descriptor.v1+json";
inline constexpr std::string_view kOciLayoutHeader = "application/vnd.oci.layout.header.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerTarZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
// Non-distributable layers: deprecated in v1.1 (but still to be read).
inline constexpr std::string_view kOciLayerNondistributableTar =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view kOciLayerNondistributableTarGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view kOciLayerNondistributableTarZstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
// v1.1: the empty JSON object `{}` as a placeholder config or layer.
inline constexpr std::string_view kOciEmpty = "application/vnd.oci.empty.v1+json";

// Docker Image Manifest V2, Schema 2.
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerTarGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerLayerForeignTarGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
// Not in Docker's spec but written by containerd/BuildKit and read by Docker.
inline constexpr std::string_view kDockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerTarZstd =
    "application/vnd.docker.image.rootfs.diff.tar.zstd";
inline constexpr std::string_view kDockerLayerForeignTar =
    "application/vnd.docker.image.rootfs.foreign.diff.tar";
// Docker schema 1 (signed and unsigned): recognised only to be refused.
inline constexpr std::string_view kDockerSchema1Manifest =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1SignedManifest =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// RFC 6838 section 4.2: `type "/" subtype`, each 1-127 characters from
// [A-Za-z0-9!#$&^_.+-] starting with a letter or digit. Parameters
// (";charset=...") are not allowed in OCI descriptors. Returns an error
// message, empty when valid.
std::string check_syntax(std::string_view media_type);
inline bool is_valid(std::string_view media_type) {
  return check_syntax(media_type).empty();
}

enum class Compression { kNone, kGzip, kZstd };
const char* compression_name(Compression compression);  // "none", "gzip", "zstd"

// What a layer's media type says about its bytes.
struct LayerType {
  Compression compression = Compression::kNone;
  // False for non-distributable (Docker "foreign") layers: they may have to
  // be fetched from the descriptor's urls and are not pushed to registries.
  bool distributable = true;
  bool docker = false;  // a Docker rootfs type rather than an OCI one

  friend bool operator==(const LayerType&, const LayerType&) = default;
};

// kInvalidArgument ("not a layer media type: ...") for anything that is not
// one of the layer types above.
core::Result<LayerType> classify_layer(std::string_view media_type);

bool is_oci_layer(std::string_view media_type);
bool is_docker_layer(std::string_view media_type);
// An image manifest or an index of them, OCI or Docker v2 (what an index
// entry may point to for a platform choice).
bool is_manifest_or_index(std::string_view media_type);

}  // namespace oci::media_type
