// oci/transport/import.h: `lxcri image import SRC NAME:TAG`, one image from
// an OCI layout, an oci-archive or a docker archive into the content store.
//
// Contract for every transport: blobs go in through verifying BlobWriters
// under the caller's lease (so gc cannot remove them before the ref exists);
// the ref is set last, by StoreLease::set_ref, which checks the image is
// complete. Any failure returns an error naming the file inside the source
// and leaves the store's refs as they were; blobs written before it are
// unreferenced and go at the next gc. See oci_layout_import.h and
// docker_archive_import.h for each transport's rules. An oci-archive is
// unpacked into a private temp dir first (archive_extract.h), which needs
// free space in $TMPDIR for the whole archive.
#pragma once

#include "core/error.h"
#include "oci/progress.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"
#include "oci/transport/import_result.h"
#include "oci/transport/location.h"

namespace oci::transport {

core::Result<ImportResult> import_image(const store::StoreLease& lease, const Location& from,
                                        const store::Ref& as, const Progress& progress = {});

}  // namespace oci::transport
