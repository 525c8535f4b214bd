// oci/transport/blob_copy.h: streaming a file into the store (internal to
// src/oci/transport).
//
// Layers are copied in fixed-size chunks through a BlobWriter, which hashes
// as it writes, so a blob of any size costs one buffer of memory and is
// verified before it gets its name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "oci/progress.h"
#include "oci/store/blob_writer.h"

namespace oci::transport {

inline constexpr std::size_t kCopyChunk = 1u << 20;

// Appends all of `fd` (read to EOF) to `writer`, reporting `total` as the
// expected size under the name `what`.
core::Status copy_fd(int fd, store::BlobWriter& writer, const std::filesystem::path& path,
                     std::uint64_t total, std::string_view what, const Progress& progress);

}  // namespace oci::transport
