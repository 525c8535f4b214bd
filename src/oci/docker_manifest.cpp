#include "oci/docker_manifest.h"

#include "oci/document_readers.h"
#include "oci/media_types.h"

namespace oci {
namespace {

void require_media_type(json::Reader& r, const json::Node& node, std::string_view expected) {
  std::string value = r.string(node);
  if (r.ok() && node.present() && value != expected) {
    r.fail(node, "expected '" + std::string(expected) + "', found " + json::describe(*node.value));
  }
}

// Docker documents have no v1.1 fields; read their descriptors as v1.0.
ParseOptions docker_options(const ParseOptions& options) {
  ParseOptions out = options;
  out.version = SpecVersion::kV1_0;
  return out;
}

}  // namespace

core::Result<DockerManifest> parse_docker_manifest(std::string_view bytes,
                                                   const ParseOptions& options) {
  auto document = json::parse(bytes);
  if (!document) return document.error();
  ParseOptions opts = docker_options(options);
  json::Reader r;
  json::Node root = r.root(document.value());
  DockerManifest m;
  read_schema_version(r, root);
  require_media_type(r, r.field(root, "mediaType", json::Need::kRequired),
                     media_type::kDockerManifest);
  json::Node config = r.field(root, "config", json::Need::kRequired);
  m.config = read_descriptor(r, config, opts);
  require_media_type(r, r.field(config, "mediaType"), media_type::kDockerConfig);
  json::Node layers = r.field(root, "layers", json::Need::kRequired);
  for (const json::Node& layer : r.elements(layers)) {
    m.layers.push_back(read_descriptor(r, layer, opts));
    if (r.ok() && !media_type::is_docker_layer(m.layers.back().media_type)) {
      json::Node type = r.field(layer, "mediaType");
      r.fail(type, "expected a Docker layer media type (" +
                       std::string(media_type::kDockerLayerTarGzip) + " or similar), found " +
                       json::describe(*type.value));
    }
  }
  if (!r.ok()) return r.error();
  return m;
}

core::Result<DockerManifestList> parse_docker_manifest_list(std::string_view bytes,
                                                            const ParseOptions& options) {
  auto document = json::parse(bytes);
  if (!document) return document.error();
  ParseOptions opts = docker_options(options);
  json::Reader r;
  json::Node root = r.root(document.value());
  DockerManifestList list;
  read_schema_version(r, root);
  require_media_type(r, r.field(root, "mediaType", json::Need::kRequired),
                     media_type::kDockerManifestList);
  json::Node manifests = r.field(root, "manifests", json::Need::kRequired);
  for (const json::Node& entry : r.elements(manifests)) {
    list.manifests.push_back(read_descriptor(r, entry, opts));
    r.field(entry, "platform", json::Need::kRequired);
    check_not_self(r, r.field(entry, "digest"), list.manifests.back().digest, options,
                   "a manifest list entry");
  }
  if (!r.ok()) return r.error();
  return list;
}

}  // namespace oci
