#include "oci/store/references.h"

#include "oci/docker_manifest.h"
#include "oci/json_reader.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace oci::store {
namespace {

void add_list(std::vector<Child>& out, const char* name, const std::vector<Descriptor>& list) {
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back({json::element_path(name, i), list[i]});
}

}  // namespace

core::Result<Document> read_document(std::string_view bytes, const Digest& own_digest) {
  auto kind = detect_document_kind(bytes);
  if (!kind) return kind.error();
  ParseOptions options;
  options.own_digest = own_digest;
  Document doc{kind.value(), {}};
  switch (kind.value()) {
    case DocumentKind::kOciManifest: {
      auto m = parse_manifest(bytes, options);
      if (!m) return m.error();
      doc.children.push_back({"config", m.value().config});
      add_list(doc.children, "layers", m.value().layers);
      if (m.value().subject) doc.children.push_back({"subject", *m.value().subject});
      break;
    }
    case DocumentKind::kOciIndex: {
      auto ix = parse_index(bytes, options);
      if (!ix) return ix.error();
      add_list(doc.children, "manifests", ix.value().manifests);
      if (ix.value().subject) doc.children.push_back({"subject", *ix.value().subject});
      break;
    }
    case DocumentKind::kDockerManifest: {
      auto m = parse_docker_manifest(bytes, options);
      if (!m) return m.error();
      doc.children.push_back({"config", m.value().config});
      add_list(doc.children, "layers", m.value().layers);
      break;
    }
    case DocumentKind::kDockerManifestList: {
      auto l = parse_docker_manifest_list(bytes, options);
      if (!l) return l.error();
      add_list(doc.children, "manifests", l.value().manifests);
      break;
    }
  }
  return doc;
}

core::Result<std::vector<Descriptor>> scan_descriptors(std::string_view bytes) {
  std::vector<Descriptor> out;
  auto document = json::parse(bytes);
  if (!document) return document.error();
  if (!document.value().is_object()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "not a JSON object");
  }
  const json::Json& root = document.value();
  auto take = [&](const json::Json& d) {
    if (!d.is_object()) return;
    auto it = d.find("digest");
    if (it == d.end() || !it->is_string()) return;
    auto digest = Digest::parse(it->get<std::string>());
    if (!digest) return;
    Descriptor found;
    found.digest = digest.value();
    auto type = d.find("mediaType");
    if (type != d.end() && type->is_string()) found.media_type = type->get<std::string>();
    out.push_back(std::move(found));
  };
  for (const char* single : {"config", "subject"}) {
    if (auto it = root.find(single); it != root.end()) take(*it);
  }
  for (const char* list : {"layers", "manifests"}) {
    auto it = root.find(list);
    if (it == root.end() || !it->is_array()) continue;
    for (const json::Json& d : *it)
      take(d);
  }
  return out;
}

bool kind_matches_media_type(DocumentKind kind, std::string_view type) {
  switch (kind) {
    case DocumentKind::kOciManifest:
      return type == media_type::kOciManifest;
    case DocumentKind::kOciIndex:
      return type == media_type::kOciIndex;
    case DocumentKind::kDockerManifest:
      return type == media_type::kDockerManifest;
    case DocumentKind::kDockerManifestList:
      return type == media_type::kDockerManifestList;
  }
  return false;
}

}  // namespace oci::store
