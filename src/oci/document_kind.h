// oci/document_kind.h: what kind of manifest document a blob is, before
// parsing it for real.
//
// A registry says it in Content-Type, an index entry in its mediaType, but a
// blob read from a layout or archive must say it itself. The document's own
// `mediaType` decides; when it is absent (allowed for OCI documents), the
// shape does, as containerd does it: `manifests` means an index, `config` or
// `layers` a manifest, and a document with both is refused as ambiguous
// (CVE-2021-41190).
#pragma once

#include <string_view>

#include "core/error.h"

namespace oci {

enum class DocumentKind { kOciManifest, kOciIndex, kDockerManifest, kDockerManifestList };

const char* document_kind_name(DocumentKind kind);  // "OCI image manifest", ...

// kInvalidArgument for malformed JSON, Docker schema 1 ("not supported"), an
// unknown mediaType, or a shape that is neither or both.
core::Result<DocumentKind> detect_document_kind(std::string_view bytes);

}  // namespace oci
