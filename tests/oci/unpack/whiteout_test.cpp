// OCI whiteouts and opaque directories across layers: they remove what lower
// layers put there, never what their own layer writes, and never appear.
#include "unpack_test_util.h"

namespace oci::unpack::testing {
namespace {

TEST_F(UnpackTest, WhiteoutRemovesFilesAndTreesFromLowerLayers) {
  std::string base = make_tar({Dir("etc"), File("etc/a", "a"), File("etc/b", "b"), Dir("var"),
                               Dir("var/cache"), File("var/cache/x", "x"), Symlink("link", "/")});
  std::string upper =
      make_tar({Whiteout("etc", "a"), Whiteout("var", "cache"), Whiteout("", "link"),
                Whiteout("etc", "never-existed"), Whiteout("no/such/dir", "x")});
  ASSERT_TRUE(unpack({base, upper}));
  EXPECT_FALSE(lexists(dir_ / "etc/a"));
  EXPECT_EQ(read_file(dir_ / "etc/b"), "b");
  EXPECT_FALSE(lexists(dir_ / "var/cache"));
  EXPECT_TRUE(lexists(dir_ / "var"));
  EXPECT_FALSE(lexists(dir_ / "link"));
  EXPECT_FALSE(lexists(dir_ / "no"));  // a whiteout creates nothing
  EXPECT_FALSE(lexists(dir_ / "etc/.wh.a"));
  EXPECT_FALSE(lexists(dir_ / "etc/.wh.never-existed"));
  EXPECT_EQ(stats_.whiteouts, 5u);
}

TEST_F(UnpackTest, WhiteoutThenRecreateInALaterLayer) {
  std::string l0 = make_tar({Dir("d"), File("d/old", "o")});
  std::string l1 = make_tar({Whiteout("", "d")});
  std::string l2 = make_tar({Dir("d"), File("d/new", "n")});
  ASSERT_TRUE(unpack({l0, l1, l2}));
  EXPECT_FALSE(lexists(dir_ / "d/old"));
  EXPECT_EQ(read_file(dir_ / "d/new"), "n");
}

TEST_F(UnpackTest, WhiteoutSparesTheSameLayer) {
  std::string l0 = make_tar({File("f", "lower")});
  // Invalid by the spec, but the rule is "lower layers only": keep our own.
  std::string l1 = make_tar({File("f", "upper"), Whiteout("", "f")});
  ASSERT_TRUE(unpack({l0, l1}));
  EXPECT_EQ(read_file(dir_ / "f"), "upper");
}

TEST_F(UnpackTest, OpaqueDirectoryHidesLowerLayersOnly) {
  std::string l0 =
      make_tar({Dir("app"), File("app/lower1", "1"), Dir("app/sub"), File("app/sub/lower2", "2"),
                File("app/sub/both", "lower"), File("outside", "o")});
  // Same-layer entries before AND after the marker stay.
  std::string l1 = make_tar({Dir("app"), File("app/before", "b"), File("app/sub/both", "upper"),
                             Opaque("app"), File("app/after", "a")});
  ASSERT_TRUE(unpack({l0, l1}));
  EXPECT_FALSE(lexists(dir_ / "app/lower1"));
  EXPECT_FALSE(lexists(dir_ / "app/sub/lower2"));
  EXPECT_EQ(read_file(dir_ / "app/sub/both"), "upper");
  EXPECT_EQ(read_file(dir_ / "app/before"), "b");
  EXPECT_EQ(read_file(dir_ / "app/after"), "a");
  EXPECT_EQ(read_file(dir_ / "outside"), "o");
  EXPECT_FALSE(lexists(dir_ / "app/.wh..wh..opq"));
}

TEST_F(UnpackTest, OpaqueAcrossThreeLayers) {
  std::string l0 = make_tar({Dir("d"), File("d/l0", "0")});
  std::string l1 = make_tar({File("d/l1", "1"), Dir("d/keep")});
  std::string l2 = make_tar({Opaque("d"), File("d/l2", "2")});
  std::string l3 = make_tar({File("d/l3", "3")});
  ASSERT_TRUE(unpack({l0, l1, l2, l3}));
  EXPECT_FALSE(lexists(dir_ / "d/l0"));
  EXPECT_FALSE(lexists(dir_ / "d/l1"));
  EXPECT_FALSE(lexists(dir_ / "d/keep"));
  EXPECT_EQ(read_file(dir_ / "d/l2"), "2");
  EXPECT_EQ(read_file(dir_ / "d/l3"), "3");
}

TEST_F(UnpackTest, OpaqueRootDirectory) {
  std::string l0 = make_tar({File("a", "a"), Dir("b")});
  std::string l1 = make_tar({File("c", "c"), Opaque("")});
  ASSERT_TRUE(unpack({l0, l1}));
  EXPECT_FALSE(lexists(dir_ / "a"));
  EXPECT_FALSE(lexists(dir_ / "b"));
  EXPECT_EQ(read_file(dir_ / "c"), "c");
}

TEST_F(UnpackTest, WhiteoutDoesNotFollowSymlinks) {
  // A whiteout of "link" removes the link, not what it points to; a
  // whiteout through "evil -> /" stays inside the root.
  std::string l0 = make_tar(
      {Dir("target"), File("target/f", "f"), Symlink("link", "target"), Symlink("evil", "/")});
  std::string l1 = make_tar({Whiteout("", "link"), Whiteout("evil", "target")});
  ASSERT_TRUE(unpack({l0, l1}));
  EXPECT_FALSE(lexists(dir_ / "link"));
  EXPECT_FALSE(lexists(dir_ / "target"));  // evil/ resolved to the rootfs's own root
  EXPECT_EQ(beside_rootfs(), std::vector<std::string>{});
}

TEST_F(UnpackTest, MalformedAndReservedWhiteoutNames) {
  std::string l0 = make_tar({Dir("d"), File("d/f", "f")});
  auto status = unpack({l0, make_tar({File("d/.wh..", "")})});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(status.to_string().find("layer1: entry \"d/.wh..\""), std::string::npos)
      << status.to_string();
  expect_nothing_left();

  ASSERT_TRUE(unpack({l0, make_tar({File("d/.wh..wh..plnk", "")})}));
  EXPECT_EQ(read_file(dir_ / "d/f"), "f");
  EXPECT_FALSE(lexists(dir_ / "d/.wh..wh..plnk"));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("reserved whiteout"), std::string::npos);
}

}  // namespace
}  // namespace oci::unpack::testing
