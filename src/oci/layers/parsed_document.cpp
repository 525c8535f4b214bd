#include "oci/layers/parsed_document.h"

#include <string>
#include <utility>

#include "oci/document_kind.h"
#include "oci/media_types.h"

namespace oci::layers {
namespace {

DocumentType from_kind(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kOciManifest:
      return DocumentType::kOciManifest;
    case DocumentKind::kOciIndex:
      return DocumentType::kOciIndex;
    case DocumentKind::kDockerManifest:
      return DocumentType::kDockerManifest;
    case DocumentKind::kDockerManifestList:
      return DocumentType::kDockerManifestList;
  }
  return DocumentType::kOciManifest;  // unreachable: the switch names every kind
}

// Runs `parse` and wraps its value into a DocumentValue.
template <class Parse>
core::Result<DocumentValue> parsed(Parse&& parse) {
  auto result = parse();
  if (!result) return result.error();
  return DocumentValue(std::move(result).value());
}

core::Result<DocumentValue> parse_as(DocumentType type, std::string_view bytes,
                                     const ParseOptions& options) {
  switch (type) {
    case DocumentType::kOciManifest:
      return parsed([&] { return parse_manifest(bytes, options); });
    case DocumentType::kOciIndex:
      return parsed([&] { return parse_index(bytes, options); });
    case DocumentType::kDockerManifest:
      return parsed([&] { return parse_docker_manifest(bytes, options); });
    case DocumentType::kDockerManifestList:
      return parsed([&] { return parse_docker_manifest_list(bytes, options); });
    case DocumentType::kImageConfig:
      return parsed([&] { return parse_image_config(bytes); });
  }
  return core::Error(core::ErrorCode::kInternal, "unknown document type");
}

}  // namespace

std::string_view media_type_of(DocumentType type) {
  switch (type) {
    case DocumentType::kOciManifest:
      return media_type::kOciManifest;
    case DocumentType::kOciIndex:
      return media_type::kOciIndex;
    case DocumentType::kDockerManifest:
      return media_type::kDockerManifest;
    case DocumentType::kDockerManifestList:
      return media_type::kDockerManifestList;
    case DocumentType::kImageConfig:
      break;
  }
  return media_type::kOciConfig;
}

const char* document_type_name(DocumentType type) {
  switch (type) {
    case DocumentType::kOciManifest:
      return "OCI image manifest";
    case DocumentType::kOciIndex:
      return "OCI image index";
    case DocumentType::kDockerManifest:
      return "Docker image manifest";
    case DocumentType::kDockerManifestList:
      return "Docker manifest list";
    case DocumentType::kImageConfig:
      return "image config";
  }
  return "unknown document";
}

core::Result<DocumentType> document_type_for(std::string_view media_type) {
  if (media_type == media_type::kOciManifest) return DocumentType::kOciManifest;
  if (media_type == media_type::kOciIndex) return DocumentType::kOciIndex;
  if (media_type == media_type::kDockerManifest) return DocumentType::kDockerManifest;
  if (media_type == media_type::kDockerManifestList) return DocumentType::kDockerManifestList;
  if (media_type == media_type::kOciConfig || media_type == media_type::kDockerConfig) {
    return DocumentType::kImageConfig;
  }
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "media type '" + std::string(media_type) +
                         "' is not a manifest, index or image config")
      .with_field("mediaType");
}

core::Result<ParsedDocument> parse_document(std::string_view bytes, const Digest& digest,
                                            std::string_view media_type) {
  DocumentType type;
  if (media_type.empty()) {
    auto kind = detect_document_kind(bytes);
    if (!kind) return kind.error();
    type = from_kind(kind.value());
  } else {
    auto declared = document_type_for(media_type);
    if (!declared) return declared.error();
    type = declared.value();
  }
  ParseOptions options;
  options.own_digest = digest;
  auto value = parse_as(type, bytes, options);
  if (!value) return value.error();
  return ParsedDocument{digest, bytes.size(), std::move(value).value()};
}

core::Result<ParsedDocument> load_document(const store::Store& store,
                                           const Descriptor& descriptor) {
  auto bytes = store.read_blob(descriptor.digest);
  if (!bytes) return bytes.error();
  const std::string& blob = bytes.value();
  if (static_cast<std::int64_t>(blob.size()) != descriptor.size) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "blob " + descriptor.digest.str() + " has " + std::to_string(blob.size()) +
                           " bytes but its descriptor says " + std::to_string(descriptor.size))
        .with_field("size");
  }
  return parse_document(blob, descriptor.digest, descriptor.media_type);
}

}  // namespace oci::layers
