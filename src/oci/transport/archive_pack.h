// oci/transport/archive_pack.h: writing a directory tree of regular files
// (an OCI layout we just wrote) as a tar, the `oci-archive:` export
// (internal to src/oci/transport).
//
// The tar is written to a temp file next to the target, fsynced and renamed
// over it, so a reader never sees half an archive. Entries are sorted and
// carry no owner or time (mode 0644/0755, mtime 0): the same layout gives
// the same bytes.
#pragma once

#include <filesystem>

#include "core/error.h"

namespace oci::transport {

core::Status pack_directory(const std::filesystem::path& dir, const std::filesystem::path& file);

}  // namespace oci::transport
