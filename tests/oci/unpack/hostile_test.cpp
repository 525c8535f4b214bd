// Hostile layers: nothing may appear outside the rootfs, every refusal names
// the layer and the entry, and a failed unpack leaves neither `dir` nor its
// temp directory behind.
#include <sys/xattr.h>

#include "unpack_test_util.h"

namespace oci::unpack::testing {
namespace {

std::string unique(const std::string& stem) {
  return stem + "-" + std::to_string(::getpid());
}

class HostileTest : public UnpackTest {
 protected:
  // Unpacks `layers`, expects failure with `code` and a message containing
  // `needle`, and that nothing is left anywhere.
  void expect_refused(const std::vector<std::string>& layers, core::ErrorCode code,
                      const std::string& needle, UnpackOptions o) {
    auto status = unpack(layers, std::move(o));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code(), code) << status.to_string();
    EXPECT_NE(status.to_string().find(needle), std::string::npos) << status.to_string();
    expect_nothing_left();
  }
  void expect_refused(const std::vector<std::string>& layers, core::ErrorCode code,
                      const std::string& needle) {
    expect_refused(layers, code, needle, options());
  }
};

TEST_F(HostileTest, DotDotNamesAreRefused) {
  // Where an escape would land: base_ (checked by expect_nothing_left) and its
  // parent, a shared directory, hence a name no one else uses.
  const std::string x = unique("lxcri-escape");
  expect_refused({make_tar({File("../x", "x")})}, core::ErrorCode::kInvalidArgument,
                 "layer0: entry \"../x\": path escapes the root (\"..\")");
  expect_refused({make_tar({File("a/../../" + x, "x")})}, core::ErrorCode::kInvalidArgument,
                 "entry \"a/../../" + x + "\": path escapes the root");
  expect_refused({make_tar({File("ok", "1")}), make_tar({Dir("etc/../../" + x)})},
                 core::ErrorCode::kInvalidArgument, "layer1: entry \"etc/../../" + x);
  EXPECT_FALSE(lexists(base_.parent_path() / x));
}

TEST_F(HostileTest, EmptyAndOverlongNamesAreRefused) {
  // Only a directory entry may name the root itself (its metadata).
  expect_refused({make_tar({Symlink(".", "/etc")})}, core::ErrorCode::kInvalidArgument,
                 "entry \".\": names the root directory itself");
  auto o = options();
  o.limits.max_path_bytes = 16;
  expect_refused({make_tar({File("a/very/long/name/indeed", "x")})},
                 core::ErrorCode::kCapacityExceeded, "longer than the path limit", o);
}

TEST_F(HostileTest, AbsoluteNamesLandInsideTheRoot) {
  const std::string name = unique("lxcri-unpack-etc-x");
  ASSERT_TRUE(unpack({make_tar({File("/etc/" + name, "inside")})}));
  EXPECT_EQ(read_file(dir_ / "etc" / name), "inside");
  EXPECT_FALSE(lexists(std::filesystem::path("/etc") / name));
}

TEST_F(HostileTest, SymlinkToSlashThenWriteThroughIt) {
  const std::string name = unique("lxcri-pwned");
  ASSERT_TRUE(unpack({make_tar({Symlink("evil", "/"), File("evil/tmp/" + name, "pwned")})}));
  EXPECT_EQ(read_file(dir_ / "tmp" / name), "pwned");
  EXPECT_FALSE(lexists(std::filesystem::path("/tmp") / name));
  EXPECT_EQ(beside_rootfs(), std::vector<std::string>{});
}

TEST_F(HostileTest, SymlinkUpwardsThenWriteThroughIt) {
  // Across layers too: the link comes from a lower layer.
  // a/evil points at base_'s parent, a shared directory: a name no one else uses.
  const std::string x = unique("lxcri-escape");
  auto status = unpack(
      {make_tar({Dir("a"), Symlink("a/evil", "../../.."), Dir("etc")}),
       make_tar({File("a/evil/" + x, "x"), Dir("a/evil/newdir"), Symlink("a/evil/l2", "/etc")}),
       make_tar({File("a/evil/l2/passwd", "not the host's")})});
  ASSERT_TRUE(status) << status.to_string();
  EXPECT_EQ(read_file(dir_ / x), "x");
  EXPECT_TRUE(S_ISDIR(lstat_of(dir_ / "newdir").st_mode));
  EXPECT_EQ(read_file(dir_ / "etc/passwd"), "not the host's");
  EXPECT_EQ(beside_rootfs(), std::vector<std::string>{});
  EXPECT_FALSE(lexists(base_.parent_path() / x));
}

TEST_F(HostileTest, DanglingSymlinkParentIsAnError) {
  // Like tar: the link's target is not created behind the link's back.
  expect_refused({make_tar({Symlink("l", "/nowhere"), File("l/f", "x")})},
                 core::ErrorCode::kInternal,
                 "layer0: entry \"l/f\": parent directory: No such file or directory");
}

TEST_F(HostileTest, FinalSymlinkIsReplacedNotFollowed) {
  const std::string name = unique("lxcri-final");
  // Writing "f" over "f -> /tmp/NAME" must replace the link, not write there.
  ASSERT_TRUE(unpack({make_tar(
      {Symlink("f", "/tmp/" + name), File("f", "data"), Symlink("d", "/tmp"), Dir("d")})}));
  EXPECT_TRUE(S_ISREG(lstat_of(dir_ / "f").st_mode));
  EXPECT_TRUE(S_ISDIR(lstat_of(dir_ / "d").st_mode));
  EXPECT_FALSE(lexists(std::filesystem::path("/tmp") / name));
}

TEST_F(HostileTest, HardlinksOutsideAreRefused) {
  expect_refused({make_tar({Hardlink("h", "../../../etc/passwd")})},
                 core::ErrorCode::kInvalidArgument,
                 "entry \"h\": hardlink to \"../../../etc/passwd\": path escapes the root");
  // Absolute and through a symlink: resolved inside the root, where there is no passwd.
  expect_refused({make_tar({Hardlink("h", "/etc/passwd")})}, core::ErrorCode::kInvalidArgument,
                 "entry \"h\": hardlink to \"/etc/passwd\": the target is not in the rootfs");
  expect_refused({make_tar({Symlink("evil", "/etc"), Hardlink("h", "evil/passwd")})},
                 core::ErrorCode::kInvalidArgument, "hardlink to \"evil/passwd\"");
  // A link to a symlink links the symlink itself, never what it points to.
  ASSERT_TRUE(unpack({make_tar({Symlink("s", "/etc/passwd"), Hardlink("h", "s")})}));
  EXPECT_TRUE(S_ISLNK(lstat_of(dir_ / "h").st_mode));
  EXPECT_EQ(lstat_of(dir_ / "h").st_ino, lstat_of(dir_ / "s").st_ino);
}

TEST_F(HostileTest, DeviceNodeWhenUnprivilegedIsSkippedWithAWarning) {
  auto o = options();
  o.privileged = false;
  ASSERT_TRUE(unpack({make_tar({Node("dev/sda", AE_IFBLK, 8, 0), File("ok", "1")})}, o));
  EXPECT_FALSE(lexists(dir_ / "dev/sda"));
  EXPECT_EQ(read_file(dir_ / "ok"), "1");
  EXPECT_EQ(stats_.skipped, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("layer0: entry \"dev/sda\": device node skipped"), std::string::npos)
      << warnings_[0];
}

TEST_F(HostileTest, SkippedEntriesStillReplaceLowerLayersAndTakeTheirHardlinks) {
  auto o = options();
  o.privileged = false;
  std::string lower = make_tar({Dir("dev"), File("dev/null", "lower file"), Dir("dev/loop0"),
                                File("dev/loop0/in", "lower dir")});
  // The devices replace what was there even though they are not created;
  // a hardlink to one in the same layer is skipped too.
  std::string upper = make_tar({Node("dev/null", AE_IFCHR, 1, 3), Node("dev/loop0", AE_IFBLK, 7, 0),
                                Hardlink("dev/null2", "/dev/null"), Hardlink("dev/l2", "dev/loop0"),
                                File("ok", "1")});
  auto status = unpack({lower, upper}, o);
  ASSERT_TRUE(status) << status.to_string();
  EXPECT_FALSE(lexists(dir_ / "dev/null"));
  EXPECT_FALSE(lexists(dir_ / "dev/loop0"));
  EXPECT_FALSE(lexists(dir_ / "dev/null2"));
  EXPECT_FALSE(lexists(dir_ / "dev/l2"));
  EXPECT_EQ(read_file(dir_ / "ok"), "1");
  EXPECT_EQ(stats_.skipped, 4u);
  ASSERT_EQ(warnings_.size(), 4u) << ::testing::PrintToString(warnings_);
  EXPECT_NE(warnings_[2].find("layer1: entry \"dev/null2\": hardlink to \"/dev/null\" skipped"),
            std::string::npos)
      << warnings_[2];
}

TEST_F(HostileTest, SkippedPathCreatedAgainTakesHardlinks) {
  auto o = options();
  o.privileged = false;
  ASSERT_TRUE(unpack(
      {make_tar({Node("d", AE_IFCHR, 1, 3), File("d", "now a file"), Hardlink("h", "d")})}, o));
  EXPECT_EQ(lstat_of(dir_ / "h").st_ino, lstat_of(dir_ / "d").st_ino);
}

TEST_F(HostileTest, OverlayXattrsAreNotSet) {
  // The rootfs may become an overlayfs lower layer, which obeys these.
  Entry dir = Dir("d");
  dir.xattrs = {{"trusted.overlay.opaque", "y"}, {"user.lxcri.ok", "kept"}};
  Entry file = File("f", "x");
  file.xattrs = {{"trusted.overlay.redirect", "/etc"}};
  ASSERT_TRUE(unpack({make_tar({dir, file})}));
  char value[16];
  EXPECT_LT(::lgetxattr((dir_ / "d").c_str(), "trusted.overlay.opaque", value, sizeof value), 0);
  EXPECT_LT(::lgetxattr((dir_ / "f").c_str(), "trusted.overlay.redirect", value, sizeof value), 0);
  EXPECT_EQ(::lgetxattr((dir_ / "d").c_str(), "user.lxcri.ok", value, sizeof value), 4);
  ASSERT_EQ(warnings_.size(), 2u) << ::testing::PrintToString(warnings_);
  EXPECT_NE(warnings_[0].find(
                "entry \"d/\": xattr \"trusted.overlay.opaque\" not set: reserved for overlayfs"),
            std::string::npos)
      << warnings_[0];
}

TEST_F(HostileTest, HugeDeclaredSizeIsRefusedBeforeWriting) {
  // 1 TB declared, no data at all: refused at the header, not after writing.
  std::string tar = raw_header("huge", 1ull << 40) + std::string(1024, '\0');
  expect_refused({tar}, core::ErrorCode::kCapacityExceeded,
                 "layer0: entry \"huge\": declared size 1099511627776 exceeds the limit");
  // The limit is for all layers together.
  auto o = options();
  o.limits.max_total_bytes = 100;
  expect_refused(
      {make_tar({File("a", std::string(60, 'a'))}), make_tar({File("b", std::string(60, 'b'))})},
      core::ErrorCode::kCapacityExceeded, "layer1: entry \"b\": declared size 60", o);
}

TEST_F(HostileTest, TooManyEntries) {
  auto o = options();
  o.limits.max_entries = 3;
  expect_refused(
      {make_tar({File("a", ""), File("b", "")}), make_tar({File("c", ""), File("d", "")})},
      core::ErrorCode::kCapacityExceeded, "layer1: entry \"d\": too many entries", o);
}

TEST_F(HostileTest, TruncatedTar) {
  std::string tar = make_tar({File("first", "1"), File("big", std::string(10000, 'x'))});
  // Cut inside the second file's data.
  expect_refused({tar.substr(0, 3 * 512 + 4000)}, core::ErrorCode::kInvalidArgument,
                 "layer0: entry \"big\"");
  // Cut inside a header.
  expect_refused({tar.substr(0, 1024 + 100)}, core::ErrorCode::kInvalidArgument, "layer0: ");
}

TEST_F(HostileTest, GarbageIsNotATar) {
  expect_refused({std::string(2048, 'z')}, core::ErrorCode::kInvalidArgument,
                 "layer0: first entry: malformed tar");
}

TEST_F(HostileTest, SourceErrorAtItsLastCallFailsTheUnpack) {
  std::string tar = make_tar({File("a", "fine"), Dir("d")});
  auto writer = RootfsWriter::begin(dir_, options());
  ASSERT_TRUE(writer);
  StringSource source(tar, 512,
                      core::Error(core::ErrorCode::kInvalidArgument, "digest mismatch: sha256:00"));
  auto status = writer.value().apply_layer(source, "sha256:abcd");
  ASSERT_FALSE(status);
  EXPECT_TRUE(source.ended());
  EXPECT_NE(status.to_string().find("layer sha256:abcd"), std::string::npos) << status.to_string();
  EXPECT_NE(status.to_string().find("digest mismatch"), std::string::npos);
  // Broken now: no commit, and nothing stays.
  EXPECT_EQ(writer.value().commit().error().code(), core::ErrorCode::kFailedPrecondition);
  writer = core::Error(core::ErrorCode::kCancelled, "dropped");
  expect_nothing_left();
}

TEST_F(HostileTest, SourceErrorMidStream) {
  std::string tar = make_tar({File("a", std::string(5000, 'a'))});
  auto writer = RootfsWriter::begin(dir_, options());
  ASSERT_TRUE(writer);
  StringSource source(tar.substr(0, 2048), 1024,
                      core::Error(core::ErrorCode::kInternal, "corrupt zstd frame"));
  auto status = writer.value().apply_layer(source, "l");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kInternal);
  EXPECT_NE(status.to_string().find("layer l: entry \"a\": corrupt zstd frame"), std::string::npos)
      << status.to_string();
  writer = core::Error(core::ErrorCode::kCancelled, "dropped");
  expect_nothing_left();
}

// A layer that goes on after its tar (a small tar, then a gzip bomb's
// worth of zeros) would make the unpack read and hash data no limit counts.
TEST_F(HostileTest, DataLongAfterTheTarEndIsRefused) {
  std::string tar = make_tar({File("f", "x")});
  ASSERT_TRUE(unpack({tar + std::string(1 << 20, '\0')}));  // a large blocking factor's padding
  std::filesystem::remove_all(dir_);
  expect_refused({tar + std::string(8 << 20, '\0')}, core::ErrorCode::kCapacityExceeded,
                 "after the end of the tar archive");
}

}  // namespace
}  // namespace oci::unpack::testing
