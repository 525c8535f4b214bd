// oci/archive/compression.h: which compression a layer blob uses, from its
// media type or, when it has none (a docker-archive's layer.tar), from its
// first bytes.
//
// The enum is media_types.h's own, so the spec model and the decompressors
// share one spelling; this file adds the layer-reading rules on top of
// media_type::classify_layer.
#pragma once

#include <string_view>

#include "core/error.h"
#include "oci/media_types.h"

namespace oci::archive {

using Compression = media_type::Compression;

// The OCI layer types (tar, tar+gzip, tar+zstd and their nondistributable
// variants) and the Docker rootfs types (diff.tar, diff.tar.gzip,
// diff.tar.zstd, foreign.diff.tar[.gzip]). kInvalidArgument "unsupported
// layer media type '...'" with field "mediaType" for anything else,
// including document types a caller might confuse with layers.
core::Result<Compression> compression_for_media_type(std::string_view media_type);

// By magic bytes: 1f 8b is gzip, 28 b5 2f fd is a zstd frame; anything else
// (including fewer bytes than the magic) is taken as uncompressed.
Compression sniff_compression(std::string_view first_bytes);

}  // namespace oci::archive
