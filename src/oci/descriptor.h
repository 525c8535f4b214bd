// oci/descriptor.h: the content descriptor, the pointer from one blob to
// another (image-spec descriptor.md).
//
// Manifests, indexes and layouts are trees of descriptors; each names a blob
// by digest and size and says what it is by media type. This is a read model:
// it keeps what later steps need (fetch, verify, choose by platform, unpack)
// and the raw document bytes stay in the content store, never re-serialised.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "oci/digest.h"
#include "oci/parse_options.h"
#include "oci/platform.h"

namespace oci {

using Annotations = std::map<std::string, std::string>;

// Pre-defined annotation keys (annotations.md) the later parts use.
inline constexpr std::string_view kAnnotationRefName = "org.opencontainers.image.ref.name";
inline constexpr std::string_view kAnnotationCreated = "org.opencontainers.image.created";

struct Descriptor {
  std::string media_type;
  Digest digest;
  std::int64_t size = 0;
  std::vector<std::string> urls;
  Annotations annotations;
  std::optional<Platform> platform;
  std::string artifact_type;        // v1.1; empty when absent
  std::optional<std::string> data;  // v1.1: the embedded content, decoded and verified
};

// One descriptor as a JSON document (as in an OCI layout's index.json
// entries, or a referrers response). Rules:
//  * mediaType: required, RFC 6838 syntax;
//  * digest: required, the grammar of digest.h;
//  * size: required, an integer from 0 to 2^63-1;
//  * urls: optional array of URIs (scheme ":" ..., no spaces or controls);
//  * annotations: optional string-to-string map;
//  * platform: optional; when present architecture and os are required;
//  * v1.1 artifactType and data (see parse_options.h).
// Errors name the field ("size", "platform.os").
core::Result<Descriptor> parse_descriptor(std::string_view bytes, const ParseOptions& options = {});

}  // namespace oci
