// oci/transport/export.h: `lxcri image export NAME:TAG DEST`, one image of
// the store written where other tools can read it.
//
// `oci:DIR[:TAG]` writes or extends an OCI image layout (layout_export.h
// says how an existing one is kept intact); `oci-archive:FILE[:TAG]` writes
// that layout as a tar (archive_pack.h), replacing FILE atomically: unlike
// `oci:`, an existing oci-archive is not extended, its other images are gone. The
// index.json entry is named TAG, by default the ref's tag, as skopeo and
// umoci name theirs. docker-archive export is not implemented
// (kInvalidArgument). Needs no lease: it only reads the store, and every
// blob it reads is reachable from the ref it resolved.
#pragma once

#include "core/error.h"
#include "oci/progress.h"
#include "oci/store/ref.h"
#include "oci/store/store.h"
#include "oci/transport/location.h"

namespace oci::transport {

core::Status export_image(const store::Store& store, const store::Ref& ref, const Location& to,
                          const Progress& progress = {});

}  // namespace oci::transport
