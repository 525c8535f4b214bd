#include "oci/manifest.h"

#include "oci/document_readers.h"
#include "oci/media_types.h"

namespace oci {
namespace {

void check_own_media_type(json::Reader& r, const json::Node& root, std::string_view expected,
                          std::string* out) {
  json::Node node = r.field(root, "mediaType");
  *out = r.string(node);
  if (r.ok() && node.present() && *out != expected) {
    r.fail(node, "expected '" + std::string(expected) + "', found " + json::describe(*node.value));
  }
}

void refuse_field(json::Reader& r, const json::Node& root, std::string_view key,
                  std::string_view document) {
  if (r.ok() && json::Reader::has_key(root, key)) {
    r.fail(json::member_path(root.path, key), "an " + std::string(document) + " must not have a '" +
                                                  std::string(key) +
                                                  "' field (the document would be ambiguous)");
  }
}

// subject and artifactType: v1.1 only.
void read_v1_1_fields(json::Reader& r, const json::Node& root, const ParseOptions& options,
                      std::string* artifact_type, std::optional<Descriptor>* subject) {
  if (options.version == SpecVersion::kV1_0) return;
  *artifact_type = read_media_type(r, r.field(root, "artifactType"));
  json::Node node = r.field(root, "subject");
  if (node.present()) {
    *subject = read_descriptor(r, node, options);
    check_not_self(r, r.field(node, "digest"), (*subject)->digest, options, "subject");
  }
}

}  // namespace

core::Result<Manifest> parse_manifest(std::string_view bytes, const ParseOptions& options) {
  auto document = json::parse(bytes);
  if (!document) return document.error();
  json::Reader r;
  json::Node root = r.root(document.value());
  Manifest m;
  read_schema_version(r, root);
  check_own_media_type(r, root, media_type::kOciManifest, &m.media_type);
  refuse_field(r, root, "manifests", "image manifest");
  m.config = read_descriptor(r, r.field(root, "config", json::Need::kRequired), options);
  json::Node layers = r.field(root, "layers", json::Need::kRequired);
  for (const json::Node& layer : r.elements(layers)) {
    m.layers.push_back(read_descriptor(r, layer, options));
  }
  if (r.ok() && m.layers.empty() && options.version == SpecVersion::kV1_0) {
    r.fail(layers, "expected at least one layer (image-spec v1.0.2), found an empty array");
  }
  read_v1_1_fields(r, root, options, &m.artifact_type, &m.subject);
  if (r.ok() && options.version == SpecVersion::kV1_1 &&
      m.config.media_type == media_type::kOciEmpty && m.artifact_type.empty()) {
    r.fail("artifactType",
           "missing required field: artifactType must be set when "
           "config.mediaType is " +
               std::string(media_type::kOciEmpty));
  }
  m.annotations = read_annotations(r, r.field(root, "annotations"));
  if (!r.ok()) return r.error();
  return m;
}

core::Result<Index> parse_index(std::string_view bytes, const ParseOptions& options) {
  auto document = json::parse(bytes);
  if (!document) return document.error();
  json::Reader r;
  json::Node root = r.root(document.value());
  Index index;
  read_schema_version(r, root);
  check_own_media_type(r, root, media_type::kOciIndex, &index.media_type);
  refuse_field(r, root, "config", "image index");
  refuse_field(r, root, "layers", "image index");
  json::Node manifests = r.field(root, "manifests", json::Need::kRequired);
  for (const json::Node& entry : r.elements(manifests)) {
    index.manifests.push_back(read_descriptor(r, entry, options));
    check_not_self(r, r.field(entry, "digest"), index.manifests.back().digest, options,
                   "an index entry");
  }
  read_v1_1_fields(r, root, options, &index.artifact_type, &index.subject);
  index.annotations = read_annotations(r, r.field(root, "annotations"));
  if (!r.ok()) return r.error();
  return index;
}

}  // namespace oci
