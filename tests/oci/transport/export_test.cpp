// export_image: round trips through umoci's layouts, validation by
// oci-image-tool and skopeo, and keeping an existing layout's entries.
#include <gtest/gtest.h>

#include "transport_fixture.h"

namespace oci::transport::testing {
namespace {

// The blobs of a layout that its index.json reaches are what we compare:
// umoci keeps unreferenced old blobs around, which an export never has.
std::map<std::string, std::string> blobs_of(const std::filesystem::path& layout,
                                            const std::set<std::string>& names) {
  std::map<std::string, std::string> out;
  for (const auto& [name, bytes] : tree_files(layout)) {
    if (names.count(name)) out[name] = bytes;
  }
  return out;
}

TEST_F(TransportTest, ExportOfAnImportIsByteForByteAndValid) {
  REQUIRE_TOOL("umoci");
  std::filesystem::path source = umoci_layout("umoci", "v1");
  auto imported = import_image(lease(), loc("oci:" + source.string() + ":v1"), ref("t/img:1"));
  ASSERT_TRUE(imported.is_ok()) << imported.error().to_string();

  std::filesystem::path out = path("out");
  auto s = export_image(store(), ref("t/img:1"), loc("oci:" + out.string() + ":v1"));
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  json index = json::parse(read_file(out / "index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["digest"], imported.value().image.digest.str());
  EXPECT_EQ(index["manifests"][0]["annotations"][std::string(kAnnotationRefName)], "v1");
  std::set<std::string> exported;
  for (const auto& [name, bytes] : tree_files(out)) {
    if (name.rfind("blobs/", 0) == 0) exported.insert(name);
  }
  EXPECT_EQ(exported.size(), 3u);  // manifest, config, layer
  EXPECT_EQ(blobs_of(out, exported), blobs_of(source, exported));

  // Re-importing the export and exporting again gives the same files.
  auto again = import_image(lease(), loc("oci:" + out.string() + ":v1"), ref("t/img:2"));
  ASSERT_TRUE(again.is_ok()) << again.error().to_string();
  EXPECT_EQ(again.value().image.digest, imported.value().image.digest);
  std::filesystem::path out2 = path("out2");
  ASSERT_TRUE(export_image(store(), ref("t/img:2"), loc("oci:" + out2.string() + ":v1")).is_ok());
  EXPECT_EQ(tree_files(out2), tree_files(out));

  if (have_tool("oci-image-tool")) {
    EXPECT_EQ(run("oci-image-tool validate --type image --ref name=v1 " + out.string()), 0);
  }
  if (have_tool("skopeo")) {
    EXPECT_EQ(run("skopeo inspect oci:" + out.string() + ":v1"), 0);
  }
}

TEST_F(TransportTest, ExportIntoAnExistingLayoutKeepsItsEntries) {
  REQUIRE_TOOL("umoci");
  std::filesystem::path layout = umoci_layout("umoci", "theirs");
  auto imported = import_image(lease(), loc("oci:" + layout.string() + ":theirs"), ref("t/img:1"));
  ASSERT_TRUE(imported.is_ok());
  std::string before = read_file(layout / "index.json");
  ASSERT_TRUE(
      export_image(store(), ref("t/img:1"), loc("oci:" + layout.string() + ":ours")).is_ok());
  json index = json::parse(read_file(layout / "index.json"));
  ASSERT_EQ(index["manifests"].size(), 2u);
  EXPECT_EQ(index["manifests"][0], json::parse(before)["manifests"][0]);
  EXPECT_EQ(index["manifests"][1]["annotations"][std::string(kAnnotationRefName)], "ours");
  // Exporting the same name again replaces that entry only.
  ASSERT_TRUE(
      export_image(store(), ref("t/img:1"), loc("oci:" + layout.string() + ":ours")).is_ok());
  EXPECT_EQ(json::parse(read_file(layout / "index.json"))["manifests"].size(), 2u);
  // The default name is the ref's tag.
  ASSERT_TRUE(export_image(store(), ref("t/img:1"), loc("oci:" + layout.string())).is_ok());
  EXPECT_EQ(
      json::parse(read_file(
          layout / "index.json"))["manifests"][2]["annotations"][std::string(kAnnotationRefName)],
      "1");
  EXPECT_EQ(run("umoci stat --image " + layout.string() + ":theirs"), 0);
}

TEST_F(TransportTest, ExportRefusesANonLayoutDirectoryAndUnknownRefs) {
  auto l = lease();
  auto image = store::testing::put_image(l, "x");
  ASSERT_TRUE(l.set_ref(ref("t/x:1"), image.manifest).is_ok());
  write_file(path("stuff/file"), "mine");
  auto s = export_image(store(), ref("t/x:1"), loc("oci:" + path("stuff").string()));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(path("stuff/blobs")));
  auto missing = export_image(store(), ref("t/nope:1"), loc("oci:" + path("o").string()));
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.error().code(), core::ErrorCode::kNotFound);
  auto docker =
      export_image(store(), ref("t/x:1"), loc("docker-archive:" + path("d.tar").string()));
  ASSERT_FALSE(docker.is_ok());
  EXPECT_NE(docker.error().message().find("not supported"), std::string::npos);
}

TEST_F(TransportTest, OciArchiveExportRoundTrips) {
  auto l = lease();
  auto image = store::testing::put_image(l, "arch");
  ASSERT_TRUE(l.set_ref(ref("t/x:1"), image.manifest).is_ok());
  std::filesystem::path tar = path("x.tar");
  auto s = export_image(store(), ref("t/x:1"), loc("oci-archive:" + tar.string() + ":v9"));
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  std::vector<std::string> names = tar_names(read_file(tar));
  ASSERT_GE(names.size(), 3u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  auto back = import_image(lease(), loc("oci-archive:" + tar.string() + ":v9"), ref("t/y:1"));
  ASSERT_TRUE(back.is_ok()) << back.error().to_string();
  EXPECT_EQ(back.value().image.digest, image.manifest.digest);
  if (have_tool("skopeo")) {
    EXPECT_EQ(run("skopeo inspect --raw oci-archive:" + tar.string() + ":v9"), 0);
  }
}

// Finding 13: in an existing layout, a symlinked blobs/<alg> is refused even
// when the blob is already "there", and a blob of the right size but wrong
// bytes is replaced rather than kept.
TEST_F(TransportTest, ExportChecksAnExistingLayoutsBlobs) {
  auto l = lease();
  auto image = store::testing::put_image(l, "x");
  ASSERT_TRUE(l.set_ref(ref("t/x:1"), image.manifest).is_ok());
  const std::filesystem::path out = path("out");
  ASSERT_TRUE(export_image(store(), ref("t/x:1"), loc("oci:" + out.string())).is_ok());
  const std::string encoded(image.layer1.digest.encoded());
  const std::filesystem::path blob = out / "blobs/sha256" / encoded;
  const std::string good = read_file(blob);
  write_file(blob, std::string(good.size(), '?'));
  ASSERT_TRUE(export_image(store(), ref("t/x:1"), loc("oci:" + out.string())).is_ok());
  EXPECT_EQ(read_file(blob), good);

  std::filesystem::rename(out / "blobs/sha256", path("elsewhere"));
  std::filesystem::create_directory_symlink(path("elsewhere"), out / "blobs/sha256");
  auto s = export_image(store(), ref("t/x:1"), loc("oci:" + out.string()));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), core::ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace oci::transport::testing
