#include "oci/layers/chain_ids_in_use.h"

#include <utility>
#include <vector>

#include "oci/layers/chain_id.h"
#include "oci/layers/image_resolver.h"
#include "oci/layers/parsed_document.h"

namespace oci::layers {
namespace {

// The ChainIDs of one manifest's layers, from its config's diff_ids.
core::Status add_manifest(const store::Store& store, const Descriptor& config,
                          std::set<std::string>& out) {
  auto type = document_type_for(config.media_type);
  if (!type || type.value() != DocumentType::kImageConfig) return {};  // an artifact
  auto document = load_document(store, config);
  if (!document) return document.error();
  const auto& image = std::get<ImageConfig>(document.value().value);
  for (const Digest& chain_id : chain_ids(image.diff_ids))
    out.insert(chain_id.str());
  return {};
}

core::Status add_root(const store::Store& store, const Descriptor& root,
                      std::set<std::string>& seen, std::set<std::string>& out) {
  std::vector<std::pair<Descriptor, std::size_t>> work{{root, 0}};  // document, depth
  while (!work.empty()) {
    auto [descriptor, depth] = std::move(work.back());
    work.pop_back();
    if (!seen.insert(descriptor.digest.str()).second) continue;
    auto document = load_document(store, descriptor);
    // An index may name platforms that were not pulled or imported: those
    // have no layers here. A missing root or config is an error.
    if (!document && depth > 0 && document.error().code() == core::ErrorCode::kNotFound) continue;
    if (!document) return document.error();
    const DocumentValue& value = document.value().value;
    const std::vector<Descriptor>* entries = nullptr;
    if (const auto* index = std::get_if<Index>(&value)) {
      entries = &index->manifests;
    } else if (const auto* list = std::get_if<DockerManifestList>(&value)) {
      entries = &list->manifests;
    } else if (const auto* manifest = std::get_if<Manifest>(&value)) {
      if (auto s = add_manifest(store, manifest->config, out); !s) return s;
    } else if (const auto* docker = std::get_if<DockerManifest>(&value)) {
      if (auto s = add_manifest(store, docker->config, out); !s) return s;
    }
    if (entries == nullptr) continue;
    if (depth >= kMaxIndexDepth) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "indexes nested deeper than " + std::to_string(kMaxIndexDepth))
          .with_field(descriptor.digest.str());
    }
    for (const Descriptor& entry : *entries)
      work.emplace_back(entry, depth + 1);
  }
  return {};
}

}  // namespace

core::Result<std::set<std::string>> chain_ids_in_use(const store::Store& store) {
  auto refs = store.list_refs();
  if (!refs) return refs.error();
  std::set<std::string> in_use;
  std::set<std::string> seen;
  for (const store::RefEntry& ref : refs.value()) {
    if (auto s = add_root(store, ref.descriptor, seen, in_use); !s) {
      return core::Error(s.error().code(),
                         "cannot tell which layers " + ref.name + " uses: " + s.error().message());
    }
  }
  return in_use;
}

}  // namespace oci::layers
