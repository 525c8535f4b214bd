// oci/transport/layer_builder.h: one gzip tar layer from a directory tree,
// streamed straight into the store (internal to src/oci/transport).
//
// The tree is walked in sorted order (so the same tree gives the same
// layer) through directory descriptors, never following symlinks, and each
// entry is described from the file it opened (disk_entry.h): all file types
// but sockets (skipped, as Docker does), owners (numeric), modes, mtimes and
// xattrs (not security.* but security.capability, not ACLs); atime/ctime are
// dropped so that reading the tree does not change the layer. The first
// entry is "./", the root directory's own metadata. A file that changes size
// while it is read fails the build ("file changed while reading") rather
// than giving a layer whose header and data disagree. Names are written as
// raw bytes (pax hdrcharset=BINARY where they are not ASCII). Hardlinks are
// found by libarchive's link resolver and written as tar hardlinks. The tar
// (pax, restricted: extended headers only where needed) is hashed for the
// diff_id and gzipped (gzip_stream.h) chunk by chunk into a BlobWriter; no
// copy of the whole tar exists anywhere.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "core/error.h"
#include "oci/digest.h"
#include "oci/progress.h"
#include "oci/store/store.h"

namespace oci::transport {

struct BuiltLayer {
  Digest digest;  // of the gzip blob
  std::uint64_t size = 0;
  Digest diff_id;  // of the plain tar
};

// `clamp_mtime`: when set, later mtimes are lowered to it (SOURCE_DATE_EPOCH,
// for reproducible layers of freshly made trees).
core::Result<BuiltLayer> build_layer(const store::StoreLease& lease,
                                     const std::filesystem::path& rootfs,
                                     std::optional<std::int64_t> clamp_mtime,
                                     const Progress& progress);

}  // namespace oci::transport
