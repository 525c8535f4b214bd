// create_from_dir: the layer it builds (content, order, hardlinks), its
// reproducibility, and that other tools accept the image.
#include <gtest/gtest.h>

#include <sys/xattr.h>

#include <cerrno>
#include <cstdlib>

#include "oci/image_config.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "transport_fixture.h"

namespace oci::transport::testing {
namespace {

// Sets SOURCE_DATE_EPOCH for one test.
class EpochTest : public TransportTest {
 protected:
  void SetUp() override {
    TransportTest::SetUp();
    ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  }
  void TearDown() override {
    ::unsetenv("SOURCE_DATE_EPOCH");
    TransportTest::TearDown();
  }
};

TEST_F(EpochTest, SameTreeGivesTheSameManifest) {
  std::filesystem::path rootfs = make_rootfs("rootfs");
  CreateOptions options;
  options.cmd = {"/bin/tool", "--serve"};
  options.env = {"PATH=/bin", "MODE=test"};
  options.working_dir = "/etc";
  auto a = create_from_dir(lease(), rootfs, ref("t/made:1"), options);
  ASSERT_TRUE(a.is_ok()) << a.error().to_string();
  auto b = create_from_dir(lease(), rootfs, ref("t/made:2"), options);
  ASSERT_TRUE(b.is_ok()) << b.error().to_string();
  EXPECT_EQ(a.value().digest, b.value().digest);

  auto manifest = parse_manifest(store().read_blob(a.value().digest).value());
  ASSERT_TRUE(manifest.is_ok());
  ASSERT_EQ(manifest.value().layers.size(), 1u);
  EXPECT_EQ(manifest.value().layers[0].media_type, media_type::kOciLayerTarGzip);
  auto config = parse_image_config(store().read_blob(manifest.value().config.digest).value());
  ASSERT_TRUE(config.is_ok()) << config.error().to_string();
  EXPECT_EQ(config.value().created, "2023-11-14T22:13:20Z");
  EXPECT_EQ(config.value().config.cmd, options.cmd);
  EXPECT_EQ(config.value().config.env, options.env);
  EXPECT_EQ(config.value().config.working_dir, "/etc");
  EXPECT_EQ(config.value().platform.architecture, host_platform().architecture);

  // diff_id is the digest of the uncompressed layer.
  std::string gz = store().read_blob(manifest.value().layers[0].digest, 1u << 30).value();
  write_file(path("layer.gz"), gz);
  ASSERT_EQ(run("gzip -d -k -f " + path("layer.gz").string()), 0);
  ASSERT_EQ(config.value().diff_ids.size(), 1u);
  EXPECT_EQ(config.value().diff_ids[0].str(), Digest::sha256_of(read_file(path("layer"))).str());

  // Sorted entries, the hardlink as a link, the symlink kept.
  std::vector<std::string> names = tar_names(gz);
  std::vector<std::string> expected = {
      "./",     "bin/", "bin/alias",   "bin/tool", "bin/tool2 => bin/tool",
      "empty/", "etc/", "etc/hostname"};
  EXPECT_EQ(names, expected);
}

TEST_F(EpochTest, ValidatedByOciImageToolAndSkopeo) {
  std::filesystem::path rootfs = make_rootfs("rootfs");
  CreateOptions options;
  options.entrypoint = {"/bin/tool"};
  auto made = create_from_dir(lease(), rootfs, ref("t/made:1"), options);
  ASSERT_TRUE(made.is_ok()) << made.error().to_string();
  std::filesystem::path out = path("out");
  ASSERT_TRUE(export_image(store(), ref("t/made:1"), loc("oci:" + out.string())).is_ok());
  if (have_tool("oci-image-tool")) {
    EXPECT_EQ(run("oci-image-tool validate --type image --ref name=1 " + out.string()), 0);
  }
  if (have_tool("skopeo")) {
    EXPECT_EQ(run("skopeo inspect oci:" + out.string() + ":1"), 0);
  }
  if (have_tool("umoci")) {
    EXPECT_EQ(
        run("umoci unpack --rootless --image " + out.string() + ":1 " + path("bundle").string()),
        0);
    EXPECT_EQ(read_file(path("bundle/rootfs/etc/hostname")), "lxcri\n");
    EXPECT_EQ(std::filesystem::read_symlink(path("bundle/rootfs/bin/alias")), "tool");
    EXPECT_EQ(std::filesystem::hard_link_count(path("bundle/rootfs/bin/tool")), 2u);
  }
}

TEST_F(TransportTest, BadOptionsAreRefusedBeforeAnythingIsStored) {
  std::filesystem::path rootfs = make_rootfs("rootfs");
  CreateOptions options;
  options.env = {"NOVALUE"};
  auto bad_env = create_from_dir(lease(), rootfs, ref("t/made:1"), options);
  ASSERT_FALSE(bad_env.is_ok());
  EXPECT_EQ(bad_env.error().context().field, "env[0]");
  options.env.clear();
  options.created = "yesterday";
  auto bad_time = create_from_dir(lease(), rootfs, ref("t/made:1"), options);
  ASSERT_FALSE(bad_time.is_ok());
  EXPECT_EQ(bad_time.error().context().field, "created");
  auto not_dir = create_from_dir(lease(), rootfs / "etc/hostname", ref("t/made:1"), {});
  ASSERT_FALSE(not_dir.is_ok());
  EXPECT_NE(not_dir.error().message().find("not a directory"), std::string::npos);
  EXPECT_TRUE(refs().empty());
}

TEST_F(TransportTest, SourceDateEpochMustBeANumber) {
  ::setenv("SOURCE_DATE_EPOCH", "soon", 1);
  auto r = create_from_dir(lease(), make_rootfs("rootfs"), ref("t/made:1"), {});
  ::unsetenv("SOURCE_DATE_EPOCH");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "SOURCE_DATE_EPOCH");
}

// Finding 16: an epoch RFC 3339 cannot write is refused up front, naming
// SOURCE_DATE_EPOCH (not "config" after the layer was stored).
TEST_F(TransportTest, SourceDateEpochAfterYear9999IsRefused) {
  ::setenv("SOURCE_DATE_EPOCH", "253402300800", 1);
  auto r = create_from_dir(lease(), make_rootfs("rootfs"), ref("t/made:1"), {});
  ::unsetenv("SOURCE_DATE_EPOCH");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "SOURCE_DATE_EPOCH");
  EXPECT_TRUE(std::filesystem::is_empty(store().root() / "blobs/sha256"));
}

// Finding 16: only the platform fields not given come from the host.
TEST_F(TransportTest, PartialPlatformKeepsWhatWasGiven) {
  CreateOptions options;
  options.platform.os = "freebsd";
  auto made = create_from_dir(lease(), make_rootfs("rootfs"), ref("t/made:1"), options);
  ASSERT_TRUE(made.is_ok()) << made.error().to_string();
  auto manifest = parse_manifest(store().read_blob(made.value().digest).value()).value();
  auto config = parse_image_config(store().read_blob(manifest.config.digest).value()).value();
  EXPECT_EQ(config.platform.os, "freebsd");
  EXPECT_EQ(config.platform.architecture, host_platform().architecture);
  options.platform = {};
  options.platform.architecture = "riscv64";
  auto other = create_from_dir(lease(), make_rootfs("rootfs2"), ref("t/made:2"), options);
  ASSERT_TRUE(other.is_ok()) << other.error().to_string();
  manifest = parse_manifest(store().read_blob(other.value().digest).value()).value();
  config = parse_image_config(store().read_blob(manifest.config.digest).value()).value();
  EXPECT_EQ(config.platform.os, host_platform().os);
  EXPECT_EQ(config.platform.architecture, "riscv64");
}

}  // namespace
}  // namespace oci::transport::testing

namespace oci::transport::testing {
namespace {

// Xattrs of the tree end up in the layer (pax SCHILY.xattr headers).
TEST_F(EpochTest, XattrsAreKept) {
  std::filesystem::path rootfs = path("rootfs");
  write_file(rootfs / "f", "x");
  if (::setxattr((rootfs / "f").c_str(), "user.lxcri", "v1", 2, 0) != 0) {
    GTEST_SKIP() << "user xattrs not supported here (errno " << errno << ")";
  }
  auto made = create_from_dir(lease(), rootfs, ref("t/x:1"), {});
  ASSERT_TRUE(made.is_ok()) << made.error().to_string();
  auto manifest = parse_manifest(store().read_blob(made.value().digest).value()).value();
  std::string gz = store().read_blob(manifest.layers[0].digest).value();
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  ASSERT_EQ(archive_read_open_memory(a, gz.data(), gz.size()), ARCHIVE_OK);
  archive_entry* e = nullptr;
  ASSERT_EQ(archive_read_next_header(a, &e), ARCHIVE_OK);
  EXPECT_STREQ(archive_entry_pathname(e), "./");  // the root's own entry
  ASSERT_EQ(archive_read_next_header(a, &e), ARCHIVE_OK);
  EXPECT_STREQ(archive_entry_pathname(e), "f");
  ASSERT_GE(archive_entry_xattr_reset(e), 1);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  bool found = false;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
    found |= std::string(name) == "user.lxcri" &&
             std::string(static_cast<const char*>(value), size) == "v1";
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(archive_entry_mtime(e), 1700000000);  // clamped to SOURCE_DATE_EPOCH
  archive_read_free(a);
}

}  // namespace
}  // namespace oci::transport::testing
