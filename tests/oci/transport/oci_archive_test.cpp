// import_image from `oci-archive:`: skopeo's archives, and hostile tars.
#include <gtest/gtest.h>

#include "transport_fixture.h"

namespace oci::transport::testing {
namespace {

TEST_F(TransportTest, ImportsSkopeosOciArchiveKeepingTheManifestDigest) {
  REQUIRE_TOOL("umoci");
  REQUIRE_TOOL("skopeo");
  std::filesystem::path layout = umoci_layout("umoci", "v1");
  std::filesystem::path archive = path("image.tar");
  ASSERT_EQ(run("skopeo --insecure-policy copy oci:" + layout.string() +
                ":v1 oci-archive:" + archive.string() + ":v1"),
            0);
  auto result = import_image(lease(), loc("oci-archive:" + archive.string() + ":v1"), ref("t/a:1"));
  ASSERT_TRUE(result.is_ok()) << result.error().to_string();
  json index = json::parse(read_file(layout / "index.json"));
  EXPECT_EQ(result.value().image.digest.str(), index["manifests"][0]["digest"]);
  // No tag: the archive's only image.
  auto only = import_image(lease(), loc("oci-archive:" + archive.string()), ref("t/a:2"));
  ASSERT_TRUE(only.is_ok()) << only.error().to_string();
}

class HostileArchiveTest : public TransportTest {
 protected:
  core::Error import_tar(const std::vector<TarEntry>& entries) {
    std::vector<TarEntry> all = {{"oci-layout", R"({"imageLayoutVersion":"1.0.0"})", ""}};
    all.insert(all.end(), entries.begin(), entries.end());
    write_tar(path("a/x.tar"), all);
    auto r = import_image(lease(), loc("oci-archive:" + path("a/x.tar").string()), ref("t/h:1"));
    EXPECT_FALSE(r.is_ok());
    EXPECT_TRUE(refs().empty());
    return r.is_ok() ? core::Error(core::ErrorCode::kInternal, "unexpected success") : r.error();
  }
};

TEST_F(HostileArchiveTest, DotDotEntryIsRefused) {
  std::filesystem::create_directories(path("a"));
  core::Error e = import_tar({{"../evil", "pwned", ""}});
  EXPECT_NE(e.message().find("x.tar: ../evil: '..' in path refused"), std::string::npos)
      << e.message();
  EXPECT_FALSE(std::filesystem::exists(path("evil")));
}

TEST_F(HostileArchiveTest, NestedDotDotIsRefused) {
  std::filesystem::create_directories(path("a"));
  core::Error e = import_tar({{"blobs/../../evil", "pwned", ""}});
  EXPECT_NE(e.message().find("'..' in path refused"), std::string::npos) << e.message();
}

TEST_F(HostileArchiveTest, AbsolutePathIsRefused) {
  std::filesystem::create_directories(path("a"));
  core::Error e = import_tar({{(dir_ / "abs").string(), "pwned", ""}});
  EXPECT_NE(e.message().find("absolute path refused"), std::string::npos) << e.message();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "abs"));
}

TEST_F(HostileArchiveTest, SymlinkIsRefused) {
  std::filesystem::create_directories(path("a"));
  core::Error e = import_tar({{"index.json", "", "/etc/passwd"}});
  EXPECT_NE(e.message().find("index.json: links are refused"), std::string::npos) << e.message();
}

TEST_F(HostileArchiveTest, NotATar) {
  write_file(path("a/x.tar"), std::string(2000, 'z'));
  auto r = import_image(lease(), loc("oci-archive:" + path("a/x.tar").string()), ref("t/h:1"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().message().rfind("x.tar: ", 0), 0u) << r.error().message();
}

TEST_F(TransportTest, MissingArchiveIsNotFound) {
  auto r = import_image(lease(), loc("oci-archive:" + path("nope.tar").string()), ref("t/h:1"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().code(), core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace oci::transport::testing
