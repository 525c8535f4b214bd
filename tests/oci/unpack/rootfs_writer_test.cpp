// RootfsWriter on well-formed layers: every entry type and its metadata,
// overwrites across layers, links, and the commit protocol.
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <clocale>

#include "unpack_test_util.h"

namespace oci::unpack::testing {
namespace {

std::string xattr_of(const std::filesystem::path& path, const char* name) {
  char value[256];
  ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
  return n < 0 ? std::string("<none>") : std::string(value, static_cast<std::size_t>(n));
}

TEST_F(UnpackTest, RegularFilesDirsAndModes) {
  Entry setuid = File("bin/su", "elf", 04755);
  Entry sticky = Dir("tmp", 01777);
  Entry setgid = Dir("srv", 02750);
  Entry secret = File("etc/shadow", "root:*:", 0600);
  secret.mtime = 1'234'567'890;
  secret.mtime_nsec = 123'456'789;
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 7 + i / 4096);
  ASSERT_TRUE(unpack({make_tar({Dir("bin"), setuid, sticky, setgid, Dir("etc"), secret,
                                File("data/big", big), File("empty", "")})}));
  EXPECT_EQ(read_file(dir_ / "bin/su"), "elf");
  EXPECT_EQ(lstat_of(dir_ / "bin/su").st_mode, S_IFREG | 04755u);
  EXPECT_EQ(lstat_of(dir_ / "tmp").st_mode, S_IFDIR | 01777u);
  EXPECT_EQ(lstat_of(dir_ / "srv").st_mode, S_IFDIR | 02750u);
  EXPECT_EQ(lstat_of(dir_ / "etc/shadow").st_mode, S_IFREG | 0600u);
  EXPECT_EQ(lstat_of(dir_ / "etc/shadow").st_mtim.tv_sec, 1'234'567'890);
  EXPECT_EQ(lstat_of(dir_ / "etc/shadow").st_mtim.tv_nsec, 123'456'789);
  EXPECT_EQ(read_file(dir_ / "data/big"), big);  // "data/" was created implicitly
  EXPECT_EQ(lstat_of(dir_ / "data").st_mode, S_IFDIR | 0755u);
  EXPECT_EQ(lstat_of(dir_ / "empty").st_size, 0);
  EXPECT_EQ(stats_.entries, 8u);
  EXPECT_EQ(stats_.bytes, 3u + 7u + big.size());
  EXPECT_EQ(beside_rootfs(), std::vector<std::string>{});
}

TEST_F(UnpackTest, DirectoryTimesAndReadOnlyModesAreAppliedAtCommit) {
  Entry ro = Dir("ro", 0555);
  ro.mtime = 1'000'000'000;
  Entry root = Dir("./", 0700);
  root.mtime = 1'100'000'000;
  // Children written after their directory would otherwise bump its mtime.
  auto o = options();
  o.privileged = false;  // a read-only dir must still take children unprivileged
  ASSERT_TRUE(unpack(
      {make_tar({root, ro, File("ro/a", "1"), Dir("ro/sub", 0500), File("ro/sub/b", "2")})}, o));
  EXPECT_EQ(lstat_of(dir_ / "ro").st_mode, S_IFDIR | 0555u);
  EXPECT_EQ(lstat_of(dir_ / "ro/sub").st_mode, S_IFDIR | 0500u);
  EXPECT_EQ(lstat_of(dir_ / "ro").st_mtim.tv_sec, 1'000'000'000);
  EXPECT_EQ(lstat_of(dir_).st_mode, S_IFDIR | 0700u);
  EXPECT_EQ(lstat_of(dir_).st_mtim.tv_sec, 1'100'000'000);
  EXPECT_EQ(read_file(dir_ / "ro/sub/b"), "2");
  ::chmod((dir_ / "ro/sub").c_str(), 0755);  // so TearDown can remove it unprivileged too
  ::chmod((dir_ / "ro").c_str(), 0755);
}

TEST_F(UnpackTest, OwnersWhenPrivileged) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  Entry owned = File("owned", "x", 06755);
  owned.uid = 1234;
  owned.gid = 5678;
  Entry dir = Dir("home", 0750);
  dir.uid = 1000;
  dir.gid = 1000;
  Entry link = Symlink("link", "owned");
  link.uid = 42;
  link.gid = 43;
  ASSERT_TRUE(unpack({make_tar({owned, dir, link})}));
  struct stat st = lstat_of(dir_ / "owned");
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(st.st_gid, 5678u);
  EXPECT_EQ(st.st_mode, S_IFREG | 06755u);  // chown before chmod: setuid survives
  EXPECT_EQ(lstat_of(dir_ / "home").st_uid, 1000u);
  EXPECT_EQ(lstat_of(dir_ / "link").st_uid, 42u);
  EXPECT_EQ(lstat_of(dir_ / "link").st_gid, 43u);
}

TEST_F(UnpackTest, NoChownWhenUnprivileged) {
  Entry owned = File("owned", "x");
  owned.uid = 1234;
  auto o = options();
  o.privileged = false;
  ASSERT_TRUE(unpack({make_tar({owned})}, o));
  EXPECT_EQ(lstat_of(dir_ / "owned").st_uid, ::geteuid());
}

TEST_F(UnpackTest, Xattrs) {
  Entry file = File("f", "x");
  file.xattrs = {{"user.lxcri.test", "hello"}};
  Entry dir = Dir("d");
  dir.xattrs = {{"user.lxcri.dir", "dv"}};
  // A capability set (v2, cap_net_bind_service): must survive chown/chmod.
  Entry cap = File("ping", "elf", 0755);
  std::string caps(20, '\0');
  caps[0] = 0x01;  // magic 0x02000001 little-endian with the effective flag
  caps[3] = 0x02;
  caps[5] = 0x04;  // permitted bit 10
  cap.xattrs = {{"security.capability", caps}};
  ASSERT_TRUE(unpack({make_tar({file, dir, cap})}));
  EXPECT_EQ(xattr_of(dir_ / "f", "user.lxcri.test"), "hello");
  EXPECT_EQ(xattr_of(dir_ / "d", "user.lxcri.dir"), "dv");
  if (::geteuid() == 0) {
    EXPECT_EQ(xattr_of(dir_ / "ping", "security.capability"), caps);
  }
}

TEST_F(UnpackTest, XattrsOnSymlinksAndNodesAreSetOnTheNodeItself) {
  if (::geteuid() != 0) GTEST_SKIP() << "trusted.* xattrs need CAP_SYS_ADMIN";
  Entry link = Symlink("link", "target");
  link.xattrs = {{"trusted.lxcri.link", "on-the-link"}};
  Entry fifo = Node("fifo", AE_IFIFO);
  fifo.xattrs = {{"trusted.lxcri.fifo", "on-the-fifo"}};
  ASSERT_TRUE(unpack({make_tar({File("target", "t"), link, fifo})}));
  EXPECT_EQ(xattr_of(dir_ / "link", "trusted.lxcri.link"), "on-the-link");
  EXPECT_EQ(xattr_of(dir_ / "target", "trusted.lxcri.link"), "<none>");
  EXPECT_EQ(xattr_of(dir_ / "fifo", "trusted.lxcri.fifo"), "on-the-fifo");
  EXPECT_EQ(warnings_, std::vector<std::string>{});
}

TEST_F(UnpackTest, RefusedXattrIsAWarning) {
  Entry file = File("f", "x");
  // The "bogus." namespace does not exist: every filesystem refuses it.
  file.xattrs = {{"bogus.name", "v"}};
  ASSERT_TRUE(unpack({make_tar({file})}));
  EXPECT_EQ(read_file(dir_ / "f"), "x");
  ASSERT_EQ(warnings_.size(), 1u) << ::testing::PrintToString(warnings_);
  EXPECT_NE(warnings_[0].find("layer0: entry \"f\": xattr \"bogus.name\""), std::string::npos)
      << warnings_[0];
}

TEST_F(UnpackTest, SparseFileKeepsHolesAndSize) {
  std::string logical(10 << 20, '\0');
  std::memset(logical.data(), 'a', 4096);
  std::memset(logical.data() + (8 << 20), 'b', 4096);
  Entry sparse = File("sparse", logical);
  sparse.regions = {{0, 4096}, {(8 << 20), 4096}};
  ASSERT_TRUE(unpack({make_tar({sparse})}));
  struct stat st = lstat_of(dir_ / "sparse");
  EXPECT_EQ(st.st_size, 10 << 20);
  EXPECT_LT(st.st_blocks * 512, 1 << 20);              // the holes take no space
  EXPECT_TRUE(read_file(dir_ / "sparse") == logical);  // not EXPECT_EQ: 10 MiB diffs
  EXPECT_EQ(stats_.bytes, 8192u);                      // only the regions were in the tar
}

TEST_F(UnpackTest, SymlinksAreStoredAsWrittenAndNotFollowed) {
  ASSERT_TRUE(unpack({make_tar(
      {Symlink("abs", "/etc/passwd"), Symlink("rel", "../up"), Symlink("dangling", "nowhere")})}));
  EXPECT_EQ(std::filesystem::read_symlink(dir_ / "abs"), "/etc/passwd");
  EXPECT_EQ(std::filesystem::read_symlink(dir_ / "rel"), "../up");
  EXPECT_TRUE(S_ISLNK(lstat_of(dir_ / "dangling").st_mode));
}

TEST_F(UnpackTest, WritesThroughSymlinkedDirectoriesLandInsideTheRoot) {
  // What real images need: lib -> usr/lib, then lib/x.so.
  ASSERT_TRUE(unpack(
      {make_tar({Dir("usr"), Dir("usr/lib"), Symlink("lib", "usr/lib"), Symlink("abs", "/usr/lib"),
                 File("lib/x.so", "so"), File("abs/y.so", "y")})}));
  EXPECT_EQ(read_file(dir_ / "usr/lib/x.so"), "so");
  EXPECT_EQ(read_file(dir_ / "usr/lib/y.so"), "y");
  EXPECT_TRUE(S_ISLNK(lstat_of(dir_ / "lib").st_mode));
}

TEST_F(UnpackTest, FifosAndDevices) {
  auto o = options();
  o.privileged = ::geteuid() == 0;
  ASSERT_TRUE(unpack({make_tar({Node("fifo", AE_IFIFO), Node("null", AE_IFCHR, 1, 3),
                                Node("loop0", AE_IFBLK, 7, 0)})},
                     o));
  EXPECT_TRUE(S_ISFIFO(lstat_of(dir_ / "fifo").st_mode));
  EXPECT_EQ(lstat_of(dir_ / "fifo").st_mode & 07777, 0644u);
  if (::geteuid() == 0) {
    struct stat st = lstat_of(dir_ / "null");
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(major(st.st_rdev), 1u);
    EXPECT_EQ(minor(st.st_rdev), 3u);
    EXPECT_TRUE(S_ISBLK(lstat_of(dir_ / "loop0").st_mode));
  }
}

TEST_F(UnpackTest, HardlinksInsideTheRootAcrossLayers) {
  std::string lower = make_tar({Dir("bin"), File("bin/busybox", "bb", 0755)});
  std::string upper = make_tar({Hardlink("bin/sh", "bin/busybox"), Hardlink("ls", "/bin/busybox"),
                                File("f", "same layer"), Hardlink("g", "./f")});
  ASSERT_TRUE(unpack({lower, upper}));
  struct stat a = lstat_of(dir_ / "bin/busybox"), b = lstat_of(dir_ / "bin/sh");
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(lstat_of(dir_ / "ls").st_ino, a.st_ino);
  EXPECT_EQ(a.st_nlink, 3u);
  EXPECT_EQ(lstat_of(dir_ / "g").st_ino, lstat_of(dir_ / "f").st_ino);
}

TEST_F(UnpackTest, HardlinkToMissingTargetOrDirectoryFails) {
  auto status = unpack({make_tar({Hardlink("h", "/etc/shadow")})});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(status.to_string().find("layer0: entry \"h\": hardlink to \"/etc/shadow\""),
            std::string::npos)
      << status.to_string();
  expect_nothing_left();

  status = unpack({make_tar({Dir("d"), Hardlink("h", "d")})});
  ASSERT_FALSE(status);
  EXPECT_NE(status.to_string().find("the target is a directory"), std::string::npos);
  expect_nothing_left();
}

TEST_F(UnpackTest, OverwriteRulesAcrossLayers) {
  std::string lower =
      make_tar({Dir("d", 0700), File("d/keep", "k"), File("file", "old"), Dir("dir-to-file"),
                File("dir-to-file/x", "x"), File("file-to-dir", "f"), Symlink("link", "file"),
                Dir("link-to-dir"), File("link-to-dir/inner", "i")});
  std::string upper =
      make_tar({Dir("d", 0751), File("d/new", "n"), File("file", "new"),
                File("dir-to-file", "now a file"), Dir("file-to-dir"), File("file-to-dir/y", "y"),
                File("link", "replaces the link"), Symlink("link-to-dir", "d")});
  ASSERT_TRUE(unpack({lower, upper}));
  EXPECT_EQ(read_file(dir_ / "d/keep"), "k");  // dir over dir keeps contents
  EXPECT_EQ(read_file(dir_ / "d/new"), "n");
  EXPECT_EQ(lstat_of(dir_ / "d").st_mode, S_IFDIR | 0751u);  // ...and takes the new metadata
  EXPECT_EQ(read_file(dir_ / "file"), "new");
  EXPECT_EQ(read_file(dir_ / "dir-to-file"), "now a file");
  EXPECT_EQ(read_file(dir_ / "file-to-dir/y"), "y");
  EXPECT_TRUE(S_ISREG(lstat_of(dir_ / "link").st_mode));  // the link replaced, "file" untouched
  EXPECT_EQ(read_file(dir_ / "file"), "new");
  EXPECT_TRUE(S_ISLNK(lstat_of(dir_ / "link-to-dir").st_mode));
  EXPECT_EQ(read_file(dir_ / "link-to-dir/keep"), "k");
}

TEST_F(UnpackTest, OverwritingAHardlinkLeavesTheOtherName) {
  std::string lower = make_tar({File("a", "shared"), Hardlink("b", "a")});
  std::string upper = make_tar({File("b", "replaced")});
  ASSERT_TRUE(unpack({lower, upper}));
  EXPECT_EQ(read_file(dir_ / "a"), "shared");
  EXPECT_EQ(read_file(dir_ / "b"), "replaced");
}

TEST_F(UnpackTest, SevenByteChunksAndManyEntries) {
  std::vector<Entry> entries;
  for (int d = 0; d < 5; ++d) {
    entries.push_back(Dir("d" + std::to_string(d)));
    for (int f = 0; f < 20; ++f) {
      entries.push_back(File("d" + std::to_string(d) + "/f" + std::to_string(f),
                             std::string(static_cast<std::size_t>(f * 97), 'a' + f)));
    }
  }
  ASSERT_TRUE(unpack({make_tar(entries)}, options(), 7));
  for (int d = 0; d < 5; ++d) {
    for (int f = 0; f < 20; ++f) {
      EXPECT_EQ(read_file(dir_ / ("d" + std::to_string(d)) / ("f" + std::to_string(f))),
                std::string(static_cast<std::size_t>(f * 97), 'a' + f));
    }
  }
  EXPECT_EQ(stats_.entries, 105u);
}

TEST_F(UnpackTest, GnuAndUstarFormats) {
  // GNU tar's long names and link targets (././@LongLink), and plain ustar.
  const std::string long_dir = std::string(120, 'd');
  const std::string long_name = long_dir + "/" + std::string(150, 'f');
  std::string gnu = make_tar({Dir(long_dir), File(long_name, "long"), Symlink("s", "/" + long_name),
                              Hardlink("h", long_name)},
                             archive_write_set_format_gnutar);
  std::string ustar = make_tar({File("u", "ustar", 0750)}, archive_write_set_format_ustar);
  ASSERT_TRUE(unpack({gnu, ustar}));
  EXPECT_EQ(read_file(dir_ / long_name), "long");
  EXPECT_EQ(std::filesystem::read_symlink(dir_ / "s"), "/" + long_name);
  EXPECT_EQ(lstat_of(dir_ / "h").st_ino, lstat_of(dir_ / long_name).st_ino);
  EXPECT_EQ(lstat_of(dir_ / "u").st_mode, S_IFREG | 0750u);
}

TEST_F(UnpackTest, NonAsciiNamesInTheCLocale) {
  // pax stores names as UTF-8; libarchive's writer needs a UTF-8 locale to
  // write them, while the unpacker must read them in the C locale too.
  ASSERT_NE(std::setlocale(LC_CTYPE, "C.UTF-8"), nullptr);
  std::string tar = make_tar({File("caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac", "utf8")});
  std::setlocale(LC_CTYPE, "C");
  ASSERT_TRUE(unpack({tar}));
  EXPECT_EQ(read_file(dir_ / "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac"), "utf8");
}

TEST_F(UnpackTest, CommitRenamesAndOnlyThen) {
  auto writer = RootfsWriter::begin(dir_, options());
  ASSERT_TRUE(writer);
  StringSource source(make_tar({File("a", "1")}));
  ASSERT_TRUE(writer.value().apply_layer(source, "l"));
  EXPECT_TRUE(source.ended());
  EXPECT_FALSE(lexists(dir_));
  ASSERT_EQ(beside_rootfs().size(), 1u);
  EXPECT_TRUE(beside_rootfs()[0].starts_with(".rootfs.lxcri-partial-")) << beside_rootfs()[0];
  ASSERT_TRUE(writer.value().commit());
  EXPECT_EQ(read_file(dir_ / "a"), "1");
  EXPECT_EQ(beside_rootfs(), std::vector<std::string>{});
  // Committed: no more layers, no second commit.
  StringSource again(make_tar({File("b", "2")}));
  EXPECT_EQ(writer.value().apply_layer(again, "l").error().code(),
            core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(writer.value().commit().error().code(), core::ErrorCode::kFailedPrecondition);
}

TEST_F(UnpackTest, AbandonedWriterLeavesNothing) {
  {
    auto writer = RootfsWriter::begin(dir_, options());
    ASSERT_TRUE(writer);
    StringSource source(make_tar({Dir("a", 0500), File("a/b", "x"), Symlink("s", "/")}));
    ASSERT_TRUE(writer.value().apply_layer(source, "l"));
    RootfsWriter moved = std::move(writer.value());
  }
  expect_nothing_left();
}

TEST_F(UnpackTest, ExistingDirMustBeEmpty) {
  ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
  ASSERT_TRUE(unpack({make_tar({File("a", "1")})}));  // an empty dir is replaced
  EXPECT_EQ(read_file(dir_ / "a"), "1");

  auto status = unpack({make_tar({File("b", "2")})});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kAlreadyExists);
  EXPECT_NE(status.to_string().find("not empty"), std::string::npos);
  EXPECT_EQ(read_file(dir_ / "a"), "1");
  EXPECT_FALSE(lexists(dir_ / "b"));

  std::filesystem::remove_all(dir_);
  std::ofstream(dir_) << "a file";
  status = unpack({make_tar({File("b", "2")})});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), core::ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace oci::unpack::testing
