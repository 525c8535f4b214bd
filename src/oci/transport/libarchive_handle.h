// oci/transport/libarchive_handle.h: owning handles for libarchive objects,
// so that every error path frees them, and the one way tars are opened for
// reading (internal to src/oci/transport).
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"

namespace oci::transport {

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveEntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadFree>;
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteFree>;
using ArchiveEntry = std::unique_ptr<archive_entry, ArchiveEntryFree>;

// libarchive's message for the last error, never null.
inline std::string archive_message(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown libarchive error";
}

// Bytes per read(2) of an archive file.
inline constexpr std::size_t kReadBlock = 1u << 20;

// Whether a libarchive read call succeeded. ARCHIVE_WARN is a header it read
// but could not fully convert (a UTF-8 name in the C locale); the raw name is
// there, so it is success, as in src/oci/unpack/tar_stream.cpp.
inline bool read_ok(int r) {
  return r == ARCHIVE_OK || r == ARCHIVE_WARN;
}

// A tar file, plain or compressed with gzip, bzip2, xz or zstd, opened
// for reading. kNotFound when missing; kInvalidArgument naming the file when
// it is not a tar.
core::Result<ArchiveReader> open_tar_file(const std::filesystem::path& file);

}  // namespace oci::transport
