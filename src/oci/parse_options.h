// oci/parse_options.h: which image-spec version a document is checked
// against, and what the caller knows about the bytes.
//
// v1.1 is a superset of v1.0.2 except for one relaxation, so the versions
// differ in exactly these ways:
//  * v1.0.2: an image manifest's `layers` must have at least one entry (the
//    v1.0.2 JSON schema's minItems 1). The v1.1 fields (`artifactType`,
//    `subject`, a descriptor's `data`) are not part of the format: like any
//    unknown property they are ignored, neither read nor checked.
//  * v1.1: `layers` must be present but may be empty (an artifact; the spec
//    only says it SHOULD have an entry); `artifactType` must be a valid media
//    type and is required when `config.mediaType` is the empty type
//    (application/vnd.oci.empty.v1+json); `subject` must be a valid
//    descriptor; `data` must be base64 whose length is `size` and whose
//    digest is `digest`.
// Both versions refuse the ambiguous documents of CVE-2021-41190 (the fix
// that is v1.0.2): a manifest with a `manifests` field, an index with
// `config` or `layers`, and a `mediaType` that is not the document's own.
#pragma once

#include <optional>

#include "oci/digest.h"

namespace oci {

enum class SpecVersion { kV1_0, kV1_1 };

struct ParseOptions {
  SpecVersion version = SpecVersion::kV1_1;
  // The digest of the bytes being parsed, when the caller knows it (a content
  // store does): a manifest or index whose `subject`, or an index with an
  // entry in `manifests`, naming the document itself is refused (a loop).
  std::optional<Digest> own_digest;
};

}  // namespace oci
