// oci/manifest.h: the OCI image manifest and image index (image-spec
// manifest.md, image-index.md), parsed and validated from their bytes.
//
// Read models: the parsers check every rule of the spec version in
// `ParseOptions` (see parse_options.h for how v1.0.2 and v1.1 differ) and
// keep the fields later steps use. The bytes themselves are what a content
// store keeps and what digests are computed over; nothing here writes JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/parse_options.h"

namespace oci {

struct Manifest {
  std::string media_type;  // as written; empty when the document has none
  Descriptor config;
  std::vector<Descriptor> layers;     // base layer first
  std::string artifact_type;          // v1.1
  std::optional<Descriptor> subject;  // v1.1
  Annotations annotations;
};

struct Index {
  std::string media_type;  // as written; empty when the document has none
  std::vector<Descriptor> manifests;
  std::string artifact_type;          // v1.1
  std::optional<Descriptor> subject;  // v1.1
  Annotations annotations;
};

// An image manifest: schemaVersion 2; mediaType, when present,
// application/vnd.oci.image.manifest.v1+json; config a descriptor (required);
// layers an array of descriptors (required; non-empty in v1.0.2); no
// `manifests` field; annotations a string map; v1.1 artifactType and subject.
core::Result<Manifest> parse_manifest(std::string_view bytes, const ParseOptions& options = {});

// An image index: schemaVersion 2; mediaType, when present,
// application/vnd.oci.image.index.v1+json; manifests an array of descriptors,
// possibly empty (required), each with an optional platform; no `config` or
// `layers` field; annotations; v1.1 artifactType and subject.
core::Result<Index> parse_index(std::string_view bytes, const ParseOptions& options = {});

}  // namespace oci
