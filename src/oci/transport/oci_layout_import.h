// oci/transport/oci_layout_import.h: importing one image of an OCI image
// layout (the `oci:` transport, and `oci-archive:` once extracted).
//
// Selection: the index.json entry whose org.opencontainers.image.ref.name is
// `tag`; failing that, the one whose name ends in ":<tag>" (the store's own
// "name:tag" form); with no tag, the only entry. Otherwise kNotFound (or
// kInvalidArgument when ambiguous) listing the names the layout has.
// Copy: the entry's closure (index -> manifests -> config, layers, and
// subject when the layout has it) goes into the store through BlobWriters,
// every digest and size verified while copying, blobs the store already has
// skipped (a document the store has is read from the store to find its
// children, so the layout may lack it). Documents are stored byte for byte;
// the walk is a work list with nesting capped (closure_walk.h). An index's children missing
// from the layout are allowed except the one the host platform would run.
// The ref is set last, so a failure leaves the refs as they were.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "oci/progress.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"
#include "oci/transport/import_result.h"

namespace oci::transport {

core::Result<ImportResult> import_oci_layout(const store::StoreLease& lease,
                                             const std::filesystem::path& dir, std::string_view tag,
                                             const store::Ref& as, const Progress& progress);

}  // namespace oci::transport
