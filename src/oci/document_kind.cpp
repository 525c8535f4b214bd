#include "oci/document_kind.h"

#include "oci/json_reader.h"
#include "oci/media_types.h"

namespace oci {

const char* document_kind_name(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kOciManifest:
      return "OCI image manifest";
    case DocumentKind::kOciIndex:
      return "OCI image index";
    case DocumentKind::kDockerManifest:
      return "Docker v2 manifest";
    case DocumentKind::kDockerManifestList:
      return "Docker manifest list";
  }
  return "unknown";
}

core::Result<DocumentKind> detect_document_kind(std::string_view bytes) {
  auto document = json::parse(bytes);
  if (!document) return document.error();
  json::Reader r;
  json::Node root = r.root(document.value());
  json::Node media = r.field(root, "mediaType");
  std::string type = r.string(media);
  if (!r.ok()) return r.error();
  auto invalid = [](std::string field, std::string message) {
    return core::Error(core::ErrorCode::kInvalidArgument, std::move(message))
        .with_field(std::move(field));
  };
  if (media.present()) {
    if (type == media_type::kOciManifest) return DocumentKind::kOciManifest;
    if (type == media_type::kOciIndex) return DocumentKind::kOciIndex;
    if (type == media_type::kDockerManifest) return DocumentKind::kDockerManifest;
    if (type == media_type::kDockerManifestList) return DocumentKind::kDockerManifestList;
    if (type == media_type::kDockerSchema1Manifest ||
        type == media_type::kDockerSchema1SignedManifest) {
      return invalid("mediaType", "Docker schema 1 manifests are not supported");
    }
    return invalid("mediaType", "expected the media type of a manifest or index, found " +
                                    json::describe(*media.value));
  }
  json::Node version = r.field(root, "schemaVersion");
  if (version.present() && version.value->is_number_integer() &&
      version.value->get<std::int64_t>() == 1) {
    return invalid("schemaVersion", "Docker schema 1 manifests are not supported");
  }
  bool index = json::Reader::has_key(root, "manifests");
  bool manifest = json::Reader::has_key(root, "config") || json::Reader::has_key(root, "layers");
  if (index && manifest) {
    return invalid("manifests",
                   "ambiguous document without mediaType: it has both 'manifests' and "
                   "'config'/'layers'");
  }
  if (index) return DocumentKind::kOciIndex;
  if (manifest) return DocumentKind::kOciManifest;
  return invalid("", "not a manifest or index: no mediaType, 'manifests', 'config' or 'layers'");
}

}  // namespace oci
