// oci/document_readers.h: the readers for the pieces shared by several
// documents: descriptors, platforms, annotations (internal to src/oci).
//
// They read from an already parsed tree through a json::Reader, so that one
// document's parser can read its nested descriptors with the right paths.
#pragma once

#include "oci/descriptor.h"
#include "oci/json_reader.h"
#include "oci/parse_options.h"
#include "oci/platform.h"

namespace oci {

// A descriptor object at `node` (required: a missing node was reported by
// the caller's field(..., kRequired)).
Descriptor read_descriptor(json::Reader& r, const json::Node& node, const ParseOptions& options);
// A platform object: architecture and os required, variant, os.version,
// os.features optional.
Platform read_platform(json::Reader& r, const json::Node& node);
// A string-to-string object.
Annotations read_annotations(json::Reader& r, const json::Node& node);
// A media type string at `node`, checked for RFC 6838 syntax.
std::string read_media_type(json::Reader& r, const json::Node& node);
// A digest string at `node`, checked against the digest grammar.
Digest read_digest(json::Reader& r, const json::Node& node);
// schemaVersion must be present and be 2.
void read_schema_version(json::Reader& r, const json::Node& root);
// Fails when the document's own digest appears at `node` (a loop).
void check_not_self(json::Reader& r, const json::Node& node, const Digest& digest,
                    const ParseOptions& options, std::string_view what);

}  // namespace oci
