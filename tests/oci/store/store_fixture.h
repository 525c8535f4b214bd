// tests/oci/store/store_fixture.h: a fresh store directory per test (removed
// afterwards) and helpers that build small images in it by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "oci/media_types.h"
#include "oci/store/store.h"

namespace oci::store::testing {

using nlohmann::json;

// ctest runs tests in parallel processes: mkdtemp gives each its own dir.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "lx_store_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path root() const { return dir_ / "store"; }
  Store open() {
    auto store = Store::open(root());
    EXPECT_TRUE(store.is_ok()) << store.error().to_string();
    return std::move(store).value();
  }

  std::filesystem::path dir_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

inline Digest sha(const std::string& bytes) {
  return Digest::sha256_of(bytes);
}

inline Descriptor describe(std::string_view media_type, const std::string& bytes) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = sha(bytes);
  d.size = static_cast<std::int64_t>(bytes.size());
  return d;
}

inline json descriptor_json(const Descriptor& d) {
  return json{{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
}

inline std::string manifest_bytes(const Descriptor& config, const std::vector<Descriptor>& layers) {
  json j{{"schemaVersion", 2},
         {"mediaType", media_type::kOciManifest},
         {"config", descriptor_json(config)},
         {"layers", json::array()}};
  for (const Descriptor& l : layers)
    j["layers"].push_back(descriptor_json(l));
  return j.dump();
}

inline std::string index_bytes(const std::vector<Descriptor>& manifests) {
  json j{{"schemaVersion", 2}, {"mediaType", media_type::kOciIndex}, {"manifests", json::array()}};
  for (const Descriptor& m : manifests)
    j["manifests"].push_back(descriptor_json(m));
  return j.dump();
}

// A config, two layers and a manifest, all put into the store; `seed` makes
// the blobs of different images differ.
struct TestImage {
  Descriptor config, layer1, layer2, manifest;
  std::vector<Digest> all() const {
    return {config.digest, layer1.digest, layer2.digest, manifest.digest};
  }
};

inline TestImage put_image(const StoreLease& lease, const std::string& seed) {
  TestImage image;
  std::string config = json{{"architecture", "amd64"}, {"os", "linux"}, {"seed", seed}}.dump();
  std::string layer1 = "layer one of " + seed;
  std::string layer2 = "layer two of " + seed;
  image.config = describe(media_type::kOciConfig, config);
  image.layer1 = describe(media_type::kOciLayerTar, layer1);
  image.layer2 = describe(media_type::kOciLayerTarGzip, layer2);
  std::string manifest = manifest_bytes(image.config, {image.layer1, image.layer2});
  image.manifest = describe(media_type::kOciManifest, manifest);
  for (const std::string* bytes : {&config, &layer1, &layer2, &manifest}) {
    auto digest = lease.put_blob(*bytes);
    EXPECT_TRUE(digest.is_ok()) << digest.error().to_string();
  }
  return image;
}

inline Ref make_ref(std::string_view text) {
  return parse_ref(text).value();
}

// Files in ingest/ (BlobWriter temp files).
inline std::size_t ingest_files(const std::filesystem::path& root) {
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(root / "ingest");
       it != std::filesystem::directory_iterator(); ++it) {
    ++n;
  }
  return n;
}

}  // namespace oci::store::testing
