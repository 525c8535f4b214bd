// tests/oci/layers/layers_fixture.h: images with real configs (diff_ids,
// platform) written into a temp store, for the resolver, cache and graph
// tests. Builds on the store tests' fixture.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../store/store_fixture.h"
#include "oci/layers/layer.h"
#include "oci/media_types.h"

namespace oci::layers::testing {

using nlohmann::json;
using store::testing::describe;
using store::testing::descriptor_json;

struct BuiltImage {
  Descriptor manifest;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::vector<Digest> diff_ids;
};

// The layer "blobs" are their own contents, uncompressed, so the DiffID is
// the blob digest (as for an uncompressed tar).
struct ImageSpec {
  std::vector<std::string> layers;
  std::string architecture = "amd64";
  std::string os = "linux";
  bool docker = false;
  // When set, the config lists this many diff_ids (the first layers', then
  // made-up ones) instead of one per layer.
  std::optional<std::size_t> diff_id_count;

  ImageSpec& arch(std::string architecture_name) {
    architecture = std::move(architecture_name);
    return *this;
  }
  ImageSpec& as_docker() {
    docker = true;
    return *this;
  }
  ImageSpec& listing(std::size_t count) {
    diff_id_count = count;
    return *this;
  }
};

inline ImageSpec spec(std::vector<std::string> layers) {
  ImageSpec s;
  s.layers = std::move(layers);
  return s;
}

inline Platform linux_on(std::string architecture) {
  Platform p;
  p.os = "linux";
  p.architecture = std::move(architecture);
  return p;
}

inline Digest put(const store::StoreLease& lease, const std::string& bytes) {
  auto digest = lease.put_blob(bytes);
  EXPECT_TRUE(digest.is_ok()) << digest.error().to_string();
  return digest.is_ok() ? digest.value() : Digest();
}

inline std::string config_bytes(const ImageSpec& spec, const std::vector<Digest>& diff_ids) {
  json ids = json::array();
  for (const Digest& d : diff_ids)
    ids.push_back(d.str());
  return json{{"architecture", spec.architecture},
              {"os", spec.os},
              {"rootfs", {{"type", "layers"}, {"diff_ids", ids}}}}
      .dump();
}

inline BuiltImage put_image(const store::StoreLease& lease, const ImageSpec& spec,
                            bool write_config = true) {
  BuiltImage image;
  const std::string_view layer_type =
      spec.docker ? media_type::kDockerLayerTar : media_type::kOciLayerTar;
  for (const std::string& content : spec.layers) {
    image.layers.push_back(describe(layer_type, content));
    image.diff_ids.push_back(Digest::sha256_of(content));
    put(lease, content);
  }
  std::vector<Digest> listed = image.diff_ids;
  if (spec.diff_id_count) {
    listed.resize(*spec.diff_id_count, Digest::sha256_of("made-up layer"));
  }
  const std::string config = config_bytes(spec, listed);
  image.config = describe(spec.docker ? media_type::kDockerConfig : media_type::kOciConfig, config);
  if (write_config) put(lease, config);
  json manifest{{"schemaVersion", 2},
                {"mediaType", spec.docker ? media_type::kDockerManifest : media_type::kOciManifest},
                {"config", descriptor_json(image.config)},
                {"layers", json::array()}};
  for (const Descriptor& l : image.layers)
    manifest["layers"].push_back(descriptor_json(l));
  const std::string bytes = manifest.dump();
  image.manifest =
      describe(spec.docker ? media_type::kDockerManifest : media_type::kOciManifest, bytes);
  put(lease, bytes);
  return image;
}

struct Entry {
  Descriptor descriptor;
  std::string os, architecture, variant;
};

// An OCI index (or a Docker manifest list) of `entries`, with platforms when
// an entry has an os.
inline Descriptor put_index(const store::StoreLease& lease, const std::vector<Entry>& entries,
                            bool docker = false) {
  json manifests = json::array();
  for (const Entry& e : entries) {
    json d = descriptor_json(e.descriptor);
    if (!e.os.empty()) {
      d["platform"] = {{"os", e.os}, {"architecture", e.architecture}};
      if (!e.variant.empty()) d["platform"]["variant"] = e.variant;
    }
    manifests.push_back(d);
  }
  const std::string_view type = docker ? media_type::kDockerManifestList : media_type::kOciIndex;
  const std::string bytes =
      json{{"schemaVersion", 2}, {"mediaType", type}, {"manifests", manifests}}.dump();
  put(lease, bytes);
  return describe(type, bytes);
}

// The path of a blob in the store, to break it behind the store's back.
inline std::filesystem::path blob_path(const store::Store& store, const Digest& digest) {
  return store.root() / "blobs" / std::string(digest.algorithm()) / std::string(digest.encoded());
}

inline Digest digest_of(const std::string& text) {
  return Digest::sha256_of(text);
}

}  // namespace oci::layers::testing
