// oci/store/references.h: what a manifest or index blob points to
// (internal to src/oci/store).
//
// Both the ref check (set_ref: is the image complete?) and gc (what is
// reachable?) need the descriptors inside a document. They read it with the
// spec model: document_kind decides the parser, and the parser is given the
// blob's own digest, so a document that names itself is refused. gc must
// never lose a blob because its parent is one the strict model refuses, so it
// also has a lenient scan; a document even the scan cannot parse (not JSON,
// duplicate keys, invalid UTF-8, too deep) makes gc delete nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/document_kind.h"

namespace oci::store {

struct Child {
  std::string field;  // "config", "layers[1]", "manifests[0]", "subject"
  Descriptor descriptor;
};

struct Document {
  DocumentKind kind;
  std::vector<Child> children;
};

// The strict read: kInvalidArgument (field set) when the spec model refuses
// the document.
core::Result<Document> read_document(std::string_view bytes, const Digest& own_digest);

// The descriptors in `config`, `layers[]`, `manifests[]` and `subject` of a
// JSON object whose digest is valid by the grammar (mediaType as written,
// possibly empty); nothing else is checked. kInvalidArgument when `bytes`
// are not a JSON object json::parse accepts: the caller cannot know what
// such a document names.
core::Result<std::vector<Descriptor>> scan_descriptors(std::string_view bytes);

// True for the kinds whose entries are images a ref must have in full
// (manifests; an index may name platforms that were never pulled).
inline bool is_image_manifest(DocumentKind kind) {
  return kind == DocumentKind::kOciManifest || kind == DocumentKind::kDockerManifest;
}

// The kind a descriptor's media type promises, if it names a document.
bool kind_matches_media_type(DocumentKind kind, std::string_view media_type);

}  // namespace oci::store
