#include "oci/layers/image_resolver.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "oci/layers/chain_id.h"
#include "oci/media_types.h"
#include "oci/platform_select.h"

namespace oci::layers {
namespace {

using DocumentPtr = MetadataCache::DocumentPtr;

// `error` with "<what>: " before its message; code and context kept.
core::Error prefixed(const core::Error& error, const std::string& what) {
  return core::Error(error.code(), what + ": " + error.message(), error.context());
}

core::Result<DocumentPtr> load(const store::Store& store, const Descriptor& descriptor,
                               MetadataCache* cache, const std::string& what) {
  if (cache) {
    auto document = cache->get_or_load(store, descriptor);
    if (!document) return prefixed(document.error(), what);
    return std::move(document).value();
  }
  auto document = load_document(store, descriptor);
  if (!document) return prefixed(document.error(), what);
  return std::make_shared<const ParsedDocument>(std::move(document).value());
}

std::string path_text(const std::vector<Digest>& path, const Digest& last) {
  std::string text;
  for (const Digest& d : path)
    text += d.str() + " -> ";
  return text + last.str();
}

// Docker's media types stay as written, so unpack can tell its layers apart.
Manifest from_docker(const DockerManifest& docker) {
  Manifest manifest;
  manifest.media_type = std::string(media_type::kDockerManifest);
  manifest.config = docker.config;
  manifest.layers = docker.layers;
  return manifest;
}

// Follows indexes from `root` to an image manifest; fills the manifest
// fields of `image`.
core::Status find_manifest(const store::Store& store, const Descriptor& root, const Platform& want,
                           MetadataCache* cache, ResolvedImage& image) {
  Descriptor current = root;
  std::string what = "root " + root.digest.str();
  for (;;) {
    auto document = load(store, current, cache, what);
    if (!document) return document.error();
    const ParsedDocument& doc = *document.value();
    const std::vector<Descriptor>* entries = nullptr;
    if (const auto* index = std::get_if<Index>(&doc.value)) {
      entries = &index->manifests;
    } else if (const auto* list = std::get_if<DockerManifestList>(&doc.value)) {
      entries = &list->manifests;
    } else if (const auto* manifest = std::get_if<Manifest>(&doc.value)) {
      image.manifest = *manifest;
    } else if (const auto* docker = std::get_if<DockerManifest>(&doc.value)) {
      image.manifest = from_docker(*docker);
    } else {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         what + " is an image config, not a manifest or index")
          .with_field("mediaType");
    }
    if (!entries) {
      image.manifest_descriptor = current;
      return core::Status::ok();
    }
    image.index_path.push_back(current.digest);
    if (image.index_path.size() > kMaxIndexDepth) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "indexes nested deeper than " + std::to_string(kMaxIndexDepth) +
                             " levels below root " + root.digest.str())
          .with_field("manifests");
    }
    auto chosen = select_manifest(*entries, want);
    if (!chosen) return prefixed(chosen.error(), "index " + current.digest.str());
    const Digest& next = chosen.value().digest;
    if (std::find(image.index_path.begin(), image.index_path.end(), next) !=
        image.index_path.end()) {
      return core::Error(core::ErrorCode::kCycle,
                         "index cycle: " + path_text(image.index_path, next))
          .with_field("manifests");
    }
    what = "manifest " + next.str() + " of index " + current.digest.str();
    current = std::move(chosen).value();
  }
}

core::Status check_platform(const ImageConfig& config, const Platform& want,
                            const std::string& what) {
  if (platform_rank(want, config.platform)) return core::Status::ok();
  return core::Error(core::ErrorCode::kFailedPrecondition,
                     what + " is for " + format_platform(config.platform) + ", which a " +
                         format_platform(want) + " host cannot run")
      .with_field("architecture");
}

}  // namespace

core::Result<ResolvedImage> resolve_image(const store::Store& store, const Descriptor& root,
                                          const Platform& want, MetadataCache* cache) {
  ResolvedImage image;
  if (core::Status found = find_manifest(store, root, want, cache, image); !found) {
    return found.error();
  }
  image.config_descriptor = image.manifest.config;
  const std::string manifest_name = "manifest " + image.manifest_descriptor.digest.str();
  const std::string config_name =
      "config " + image.config_descriptor.digest.str() + " of " + manifest_name;
  auto document = load(store, image.config_descriptor, cache, config_name);
  if (!document) return document.error();
  const auto* config = std::get_if<ImageConfig>(&document.value()->value);
  if (!config) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       config_name + " is a " + document_type_name(document.value()->type()) +
                           ", not an image config")
        .with_field("config.mediaType");
  }
  image.config = *config;
  if (image.manifest.layers.size() != image.config.diff_ids.size()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       manifest_name + " has " + std::to_string(image.manifest.layers.size()) +
                           " layers but its config has " +
                           std::to_string(image.config.diff_ids.size()) + " rootfs.diff_ids")
        .with_field("rootfs.diff_ids");
  }
  if (core::Status runs = check_platform(image.config, want, config_name); !runs) {
    return runs.error();
  }
  const std::vector<Digest> chain = chain_ids(image.config.diff_ids);
  image.layers.reserve(chain.size());
  for (std::size_t i = 0; i < chain.size(); ++i) {
    image.layers.push_back(Layer{image.manifest.layers[i], image.config.diff_ids[i], chain[i]});
  }
  return image;
}

}  // namespace oci::layers
