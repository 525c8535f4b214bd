// oci/archive/compression.cpp: see compression.h.
#include "oci/archive/compression.h"

#include <string>

namespace oci::archive {

core::Result<Compression> compression_for_media_type(std::string_view media_type) {
  auto type = media_type::classify_layer(media_type);
  if (!type) {
    return core::Error(
               core::ErrorCode::kInvalidArgument,
               "unsupported layer media type '" + std::string(media_type.substr(0, 200)) + "'")
        .with_field("mediaType");
  }
  return type.value().compression;
}

Compression sniff_compression(std::string_view first_bytes) {
  constexpr std::string_view kGzipMagic("\x1f\x8b", 2);
  constexpr std::string_view kZstdMagic("\x28\xb5\x2f\xfd", 4);
  if (first_bytes.starts_with(kGzipMagic)) return Compression::kGzip;
  if (first_bytes.starts_with(kZstdMagic)) return Compression::kZstd;
  return Compression::kNone;
}

}  // namespace oci::archive
