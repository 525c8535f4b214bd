#include <gtest/gtest.h>

#include <cstdlib>

#include "oci/store/store_root.h"
#include "store_fixture.h"

namespace oci::store::testing {
namespace {

using LayoutTest = StoreTest;

TEST_F(LayoutTest, OpeningAMissingDirectoryCreatesALayout) {
  ASSERT_TRUE(Store::open(root() / "a" / "b").is_ok());
  std::filesystem::path r = root() / "a" / "b";
  EXPECT_EQ(json::parse(read_file(r / "oci-layout")), json({{"imageLayoutVersion", "1.0.0"}}));
  json index = json::parse(read_file(r / "index.json"));
  EXPECT_EQ(index["schemaVersion"], 2);
  EXPECT_EQ(index["manifests"], json::array());
  EXPECT_TRUE(std::filesystem::is_directory(r / "blobs" / "sha256"));
  EXPECT_TRUE(std::filesystem::is_directory(r / "ingest"));
  // Opening it again finds the same layout.
  ASSERT_TRUE(Store::open(r).is_ok());
  // An empty directory becomes a layout too.
  std::filesystem::create_directories(dir_ / "empty");
  EXPECT_TRUE(Store::open(dir_ / "empty").is_ok());
}

TEST_F(LayoutTest, AHandWrittenLayoutOpensAndItsRefsResolve) {
  // image-layout.md's example: a tag as the ref name, plus a manifest.
  std::string config = R"({"architecture":"amd64","os":"linux"})";
  std::string layer = "layer";
  Descriptor c = describe(media_type::kOciConfig, config);
  Descriptor l = describe(media_type::kOciLayerTar, layer);
  std::string manifest = manifest_bytes(c, {l});
  Descriptor m = describe(media_type::kOciManifest, manifest);
  for (const std::string* b : {&config, &layer, &manifest}) {
    write_file(root() / "blobs" / "sha256" / std::string(sha(*b).encoded()), *b);
  }
  json entry = descriptor_json(m);
  entry["annotations"] = {{"org.opencontainers.image.ref.name", "v1.0"}};
  json other = descriptor_json(m);
  other["annotations"] = {{"com.example.note", "kept"}};
  json index{{"schemaVersion", 2}, {"manifests", {entry, other}}, {"annotations", {{"x", "y"}}}};
  write_file(root() / "index.json", index.dump());
  write_file(root() / "oci-layout", R"({"imageLayoutVersion": "1.0.0"})");

  Store store = open();
  auto refs = store.list_refs().value();
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].name, "v1.0");
  EXPECT_EQ(refs[0].descriptor.digest, m.digest);
  EXPECT_EQ(store.read_blob(m.digest).value(), manifest);

  // Setting a ref keeps the entries and fields the store does not own.
  auto lease = store.lease().value();
  ASSERT_TRUE(lease.set_ref(make_ref("example/app:1"), m));
  json after = json::parse(read_file(root() / "index.json"));
  ASSERT_EQ(after["manifests"].size(), 3u);
  EXPECT_EQ(after["manifests"][0], entry);
  EXPECT_EQ(after["manifests"][1], other);
  EXPECT_EQ(after["annotations"], json({{"x", "y"}}));
  EXPECT_EQ(after["manifests"][2]["annotations"]["org.opencontainers.image.ref.name"],
            "example/app:1");
}

TEST_F(LayoutTest, ANonLayoutNonEmptyDirectoryIsRefusedAndUntouched) {
  write_file(root() / "notes.txt", "mine");
  auto store = Store::open(root());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("notes.txt"), std::string::npos);
  EXPECT_EQ(store.error().context().file, root().string());
  std::size_t entries = 0;
  for (auto it = std::filesystem::directory_iterator(root());
       it != std::filesystem::directory_iterator(); ++it) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(LayoutTest, BrokenLayoutFilesAreNamed) {
  write_file(root() / "oci-layout", R"({"imageLayoutVersion":"2.0.0"})");
  write_file(root() / "index.json", R"({"schemaVersion":2,"manifests":[]})");
  auto store = Store::open(root());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.error().context().file, (root() / "oci-layout").string());
  EXPECT_NE(store.error().message().find("2.0.0"), std::string::npos);

  write_file(root() / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  write_file(root() / "index.json", R"({"schemaVersion":2,"manifests":[{"digest":"x"}]})");
  store = Store::open(root());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.error().context().file, (root() / "index.json").string());
  EXPECT_EQ(store.error().context().field, "manifests[0].mediaType");

  write_file(root() / "index.json", "{not json");
  store = Store::open(root());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.error().context().file, (root() / "index.json").string());
}

TEST_F(LayoutTest, DefaultStoreRoot) {
  EXPECT_EQ(default_store_root("/x/y"), std::filesystem::path("/x/y"));
  ::unsetenv(kStoreEnvVar);
  EXPECT_EQ(default_store_root(), std::filesystem::path("/var/lib/lxcri"));
  ::setenv(kStoreEnvVar, "/srv/images", 1);
  EXPECT_EQ(default_store_root(), std::filesystem::path("/srv/images"));
  EXPECT_EQ(default_store_root("/explicit"), std::filesystem::path("/explicit"));
  ::unsetenv(kStoreEnvVar);
}

}  // namespace
}  // namespace oci::store::testing
