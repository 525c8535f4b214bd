// oci/layers/parsed_document.h: a metadata blob of the store (manifest,
// index, Docker manifest or list, image config) read, verified and parsed by
// the media type its descriptor gives.
//
// Resolving an image reads several such documents and the metadata cache
// keeps them; both need the same one rule for "which parser", so it lives
// here. The descriptor's media type decides; a manifest or index descriptor
// without one (an OCI layout entry may lack it) is decided by the document's
// own mediaType or shape (document_kind.h). Configs cannot be detected and
// need their media type. Documents are parsed with their own digest, so one
// naming itself is refused.
#pragma once

#include <cstddef>
#include <string_view>
#include <variant>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/docker_manifest.h"
#include "oci/image_config.h"
#include "oci/manifest.h"
#include "oci/store/store.h"

namespace oci::layers {

// The alternatives in the order of DocumentType.
using DocumentValue =
    std::variant<Manifest, Index, DockerManifest, DockerManifestList, ImageConfig>;

enum class DocumentType {
  kOciManifest,
  kOciIndex,
  kDockerManifest,
  kDockerManifestList,
  kImageConfig,  // OCI or Docker: both read into ImageConfig
};

const char* document_type_name(DocumentType type);  // "OCI image manifest", ...
// The media type a manifest or index of `type` is served and stored as
// (kImageConfig: the OCI config's).
std::string_view media_type_of(DocumentType type);

struct ParsedDocument {
  Digest digest;
  std::size_t blob_bytes = 0;  // the size of the bytes it was parsed from
  DocumentValue value;

  DocumentType type() const { return static_cast<DocumentType>(value.index()); }
};

// The type a media type names, or kInvalidArgument (field "mediaType")
// "media type X is not a manifest, index or image config".
core::Result<DocumentType> document_type_for(std::string_view media_type);

// Parses `bytes` (whose digest is `digest`) as the descriptor's media type
// says, or, when that is empty, as the document says of itself. Parser
// errors keep their JSON field.
core::Result<ParsedDocument> parse_document(std::string_view bytes, const Digest& digest,
                                            std::string_view media_type);

// Reads the blob `descriptor` names (Store::read_blob checks its digest),
// checks its size against the descriptor (kFailedPrecondition on mismatch)
// and parses it. kNotFound for a missing blob, naming the digest.
core::Result<ParsedDocument> load_document(const store::Store& store, const Descriptor& descriptor);

}  // namespace oci::layers
