// oci/platform_select.h: choosing the manifest of an index (or Docker
// manifest list) that a platform should run.
//
// Candidates are the entries whose mediaType is a manifest or an index (so
// attestations and other artifacts are never chosen) and whose platform the
// wanted host can run (platform.h: exact first, then older variants, then
// compatible architectures). The best rank wins; among equals, the first in
// the index wins, as in containerd. Entries without a platform (the
// index.json of an OCI layout written by skopeo or umoci has none) are
// candidates of last resort: the image config's own platform is checked when
// the image is unpacked.
#pragma once

#include <span>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/platform.h"

namespace oci {

// The chosen entry. kNotFound with field "manifests" when nothing fits,
// listing the platforms the index offers, e.g. "no manifest for linux/riscv64
// in the index; it has linux/amd64, linux/arm64/v8".
core::Result<Descriptor> select_manifest(std::span<const Descriptor> manifests,
                                         const Platform& want);

}  // namespace oci
