#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "oci/store/index_file.h"
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

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// blobs/, blobs/<alg>/ and ingest/ as symlinks (or not directories) make the
// store refuse to open, naming the entry; nothing outside is touched.
TEST_F(LayoutTest, SymlinkedStoreDirectoriesAreRefused) {
  const std::filesystem::path outside = dir_ / "outside";
  write_file(outside / "keep", "precious");
  for (const char* entry : {"ingest", "blobs", "blobs/sha256", "blobs/sha512"}) {
    std::filesystem::remove_all(root());
    ASSERT_TRUE(Store::open(root()).is_ok());
    const std::filesystem::path path = root() / entry;
    std::filesystem::remove_all(path);
    std::filesystem::create_symlink(outside, path);
    auto store = Store::open(root());
    ASSERT_FALSE(store.is_ok()) << entry;
    EXPECT_EQ(store.error().code(), core::ErrorCode::kFailedPrecondition) << entry;
    EXPECT_EQ(store.error().context().file, path.string()) << entry;
    EXPECT_NE(store.error().message().find("symlink"), std::string::npos) << entry;
    EXPECT_EQ(names_in(outside), std::vector<std::string>{"keep"}) << entry;
  }
  for (const char* entry : {"ingest", "blobs/sha256"}) {
    std::filesystem::remove_all(root());
    ASSERT_TRUE(Store::open(root()).is_ok());
    std::filesystem::remove_all(root() / entry);
    write_file(root() / entry, "a file");
    auto store = Store::open(root());
    ASSERT_FALSE(store.is_ok()) << entry;
    EXPECT_EQ(store.error().code(), core::ErrorCode::kFailedPrecondition) << entry;
    EXPECT_EQ(store.error().context().file, (root() / entry).string()) << entry;
    EXPECT_NE(store.error().message().find("not a directory"), std::string::npos) << entry;
  }
}

// A dedicated ext4 volume has lost+found: that is still an empty directory.
TEST_F(LayoutTest, LostAndFoundCountsAsEmpty) {
  std::filesystem::create_directories(root() / "lost+found");
  ASSERT_TRUE(Store::open(root()).is_ok());
  EXPECT_TRUE(std::filesystem::is_directory(root() / "lost+found"));
  EXPECT_TRUE(std::filesystem::exists(root() / "oci-layout"));
  // A *file* named lost+found is content, though.
  std::filesystem::create_directories(dir_ / "other");
  write_file(dir_ / "other" / "lost+found", "x");
  EXPECT_FALSE(Store::open(dir_ / "other").is_ok());
}

// Someone else's index.json (or a blob) without oci-layout is not a layout
// we left half made: refused before anything, even a lock file, is written.
TEST_F(LayoutTest, AForeignIndexJsonAloneIsRefusedUntouched) {
  const std::string foreign = R"({"schemaVersion":2,"manifests":[]})";
  write_file(root() / "index.json", foreign);
  auto store = Store::open(root());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("index.json"), std::string::npos);
  EXPECT_EQ(names_in(root()), std::vector<std::string>{"index.json"});
  EXPECT_EQ(read_file(root() / "index.json"), foreign);

  std::filesystem::remove(root() / "index.json");
  write_file(root() / "blobs" / "sha256" / std::string(64, 'c'), "a blob");
  store = Store::open(root());
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(names_in(root()), std::vector<std::string>{"blobs"});
  EXPECT_EQ(names_in(root() / "blobs" / "sha256"), std::vector<std::string>{std::string(64, 'c')});
}

// What our own interrupted creation leaves (everything but oci-layout) is
// finished by the next open.
TEST_F(LayoutTest, AHalfMadeLayoutOfOursIsFinished) {
  write_file(root() / "index.lock", "");
  write_file(root() / "index.json", IndexFile::empty_document());
  write_file(root() / "oci-layout.tmp-1-2", "{");
  std::filesystem::create_directories(root() / "blobs" / "sha256");
  std::filesystem::create_directories(root() / "ingest");
  ASSERT_TRUE(Store::open(root()).is_ok());
  EXPECT_EQ(json::parse(read_file(root() / "oci-layout")), json({{"imageLayoutVersion", "1.0.0"}}));
}

}  // namespace
}  // namespace oci::store::testing
