// Directory metadata applied at commit: it goes to the directory an entry
// made (whatever names lead there later), never to a directory that replaced
// it, and the root stays private until commit.
#include <grp.h>
#include <sys/wait.h>

#include "unpack_test_util.h"

namespace oci::unpack::testing {
namespace {

mode_t mode_of(const std::filesystem::path& path) {
  return lstat_of(path).st_mode & 07777;
}

TEST_F(UnpackTest, TempRootIsPrivateUntilCommitThenTakesTheImageMode) {
  auto writer = RootfsWriter::begin(dir_, options());
  ASSERT_TRUE(writer);
  StringSource source(make_tar({Dir("./", 0750), Dir("tmp", 01777), File("tmp/f", "x")}));
  ASSERT_TRUE(writer.value().apply_layer(source, "l"));
  ASSERT_EQ(beside_rootfs().size(), 1u);
  // Nobody else may reach tmp/ (01777 already) while the tree is half made.
  EXPECT_EQ(mode_of(base_ / beside_rootfs()[0]), 0700u);
  ASSERT_TRUE(writer.value().commit());
  EXPECT_EQ(mode_of(dir_), 0750u);
  EXPECT_EQ(mode_of(dir_ / "tmp"), 01777u);
}

TEST_F(UnpackTest, RootWithoutItsOwnEntryGets0755WhateverTheUmask) {
  const mode_t old = ::umask(077);
  auto writer = RootfsWriter::begin(dir_, options());
  ASSERT_TRUE(writer);
  StringSource source(make_tar({File("a/b/f", "x")}));
  ASSERT_TRUE(writer.value().apply_layer(source, "l"));
  EXPECT_EQ(mode_of(base_ / beside_rootfs()[0]), 0700u);
  auto status = writer.value().commit();
  ::umask(old);
  ASSERT_TRUE(status) << status.to_string();
  EXPECT_EQ(mode_of(dir_), 0755u);
  // Implied parents are tar's 0755 too, not 0755 & ~umask.
  EXPECT_EQ(mode_of(dir_ / "a"), 0755u);
  EXPECT_EQ(mode_of(dir_ / "a/b"), 0755u);
}

TEST_F(UnpackTest, RecordOfAWhitedOutDirectoryDoesNotGoToItsSuccessor) {
  Entry old_b = Dir("a/b", 0700);
  old_b.mtime = 1'000'000'000;
  std::string l0 = make_tar({Dir("a"), old_b});
  // "a/b" is implied again, a new directory: 0755, not the old 0700 and time.
  std::string l1 = make_tar({Whiteout("", "a"), File("a/b/c", "x")});
  ASSERT_TRUE(unpack({l0, l1}));
  EXPECT_EQ(mode_of(dir_ / "a/b"), 0755u);
  EXPECT_NE(lstat_of(dir_ / "a/b").st_mtim.tv_sec, 1'000'000'000);
  EXPECT_EQ(read_file(dir_ / "a/b/c"), "x");
}

TEST_F(UnpackTest, RecordDoesNotFollowItsNameThroughALaterSymlink) {
  std::string l0 = make_tar({Dir("x"), Dir("x/b", 06777)});
  // "x/b" now names etc/b: the old record must not make it 06777.
  std::string l1 = make_tar({Whiteout("", "x"), Symlink("x", "etc"), File("etc/b/f", "f")});
  ASSERT_TRUE(unpack({l0, l1}));
  EXPECT_EQ(mode_of(dir_ / "etc/b"), 0755u);
}

TEST_F(UnpackTest, LaterEntryForTheSameDirectoryWinsWhateverItsName) {
  std::string l0 =
      make_tar({Dir("usr"), Dir("usr/lib"), Symlink("lib", "usr/lib"), Dir("lib/x", 0700)});
  std::string l1 = make_tar({Dir("usr/lib/x", 0751)});
  ASSERT_TRUE(unpack({l0, l1}));
  EXPECT_EQ(mode_of(dir_ / "usr/lib/x"), 0751u);
}

// Runs `body` as an unprivileged user when we are root (root ignores the
// permissions the test is about): in a child owning base_.
template <class Body>
void as_unprivileged(const std::filesystem::path& base, Body body) {
  if (::geteuid() != 0) {
    body();
    return;
  }
  ASSERT_EQ(::chown(base.c_str(), 65534, 65534), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
        ::setresuid(65534, 65534, 65534) != 0) {
      ::_exit(2);
    }
    body();
    ::_exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
}

TEST_F(UnpackTest, ModesAreAppliedByRealDepthSoUnprivilegedCanReachEveryDirectory) {
  // "l/d" is a/b/c/d: its metadata must be set before a/b/c loses search
  // permission, although its name is shallower.
  Entry locked = Dir("a/b/c", 0);
  std::string tar = make_tar(
      {Dir("a"), Dir("a/b"), locked, Symlink("l", "a/b/c"), Dir("l/d", 0750), File("l/d/f", "f")});
  as_unprivileged(base_, [&] {
    auto o = options();
    o.privileged = false;
    auto status = unpack({tar}, o);
    ASSERT_TRUE(status) << status.to_string();
    EXPECT_EQ(mode_of(dir_ / "a/b/c"), 0u);
    ASSERT_EQ(::chmod((dir_ / "a/b/c").c_str(), 0755), 0);
    EXPECT_EQ(mode_of(dir_ / "a/b/c/d"), 0750u);
    EXPECT_EQ(read_file(dir_ / "a/b/c/d/f"), "f");
  });
}

}  // namespace
}  // namespace oci::unpack::testing
