// oci/transport/layout_export.h: writing one image of the store into an OCI
// image layout directory (the `oci:` export transport).
//
// The target may be new (created), empty, or an existing layout (its
// oci-layout must say 1.0.0), whose other index.json entries, annotations and
// unknown fields are kept: index.json is loaded and rewritten with the store's
// own IndexFile, by temp file + fsync + rename, after every blob is in place,
// so a crash leaves either the old index or a complete new image. A
// non-empty directory without oci-layout is refused before anything is
// written into it. Blobs are copied byte for byte and re-hashed while copying
// (a corrupt store blob is not spread), each through a temp file renamed into
// blobs/<alg>/; a blob already there as a regular file is kept only when it
// re-hashes to its name, else it is replaced. Symlinks at blobs/ or
// blobs/<alg>/ are refused, checked before any existing blob is looked at. There is no lock:
// two writers exporting into one layout at once may lose one index entry.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "oci/progress.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"

namespace oci::transport {

// Exports `ref` into `dir`, naming the index.json entry `ref_name`.
core::Status export_to_layout(const store::Store& store, const store::Ref& ref,
                              const std::filesystem::path& dir, std::string_view ref_name,
                              const Progress& progress);

}  // namespace oci::transport
