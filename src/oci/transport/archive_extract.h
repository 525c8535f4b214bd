// oci/transport/archive_extract.h: unpacking an oci-archive (a tar of an OCI
// image layout, possibly compressed) into a private directory (internal to
// src/oci/transport).
//
// The archive is untrusted: only regular files and directories are
// extracted, and every path must stay inside the target (absolute paths,
// ".." components, symlinks, hardlinks and device nodes are refused with an
// error naming the entry). Files are created O_EXCL|O_NOFOLLOW, so a
// duplicate entry is an error rather than a silent overwrite. Owners, modes
// and times are not restored: the layout is only read back. Only the names a
// layout uses are extracted (oci-layout, index.json, blobs/<alg>/<encoded>);
// other entries are skipped, so the tree is never deeper than three. At most
// a million entries are read, and a file larger than the free space left in
// the target is refused before it is written.
#pragma once

#include <filesystem>

#include "core/error.h"
#include "oci/progress.h"

namespace oci::transport {

core::Status extract_layout_archive(const std::filesystem::path& archive,
                                    const std::filesystem::path& target, const Progress& progress);

}  // namespace oci::transport
