// layerfs: an image seen through each snapshotter is the tree a plain unpack
// (oci/unpack, `lxcri image unpack`) makes of it: the same paths, types,
// permissions, owners, contents, link targets, device numbers, file times,
// xattrs and hardlinks. The layers exercise what the backends translate
// differently: whiteouts of files and of whole directories, opaque
// directories, a directory replaced by a file and a file by a directory, a
// directory deleted and made again in one layer, a hardlinked file
// rewritten, and metadata-only changes.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "image_layers_fixture.h"
#include "oci/unpack/unpack_image.h"

namespace layerfs::testing {
namespace {

tar::Entry owned(tar::Entry e, std::int64_t uid, std::int64_t gid) {
  e.uid = uid;
  e.gid = gid;
  return e;
}
tar::Entry at_time(tar::Entry e, std::int64_t mtime) {
  e.mtime = mtime;
  return e;
}
tar::Entry with_xattr(tar::Entry e, std::string name, std::string value) {
  e.xattrs.emplace_back(std::move(name), std::move(value));
  return e;
}

std::vector<std::string> layers() {
  using namespace tar;
  return {
      make_tar({Dir("etc"),
                File("etc/os", "base"),
                owned(File("etc/passwd", "root"), 1000, 1001),
                Dir("usr"),
                Dir("usr/bin"),
                File("usr/bin/tool", "tool-v1", 0755),
                Hardlink("usr/bin/tool-link", "usr/bin/tool"),
                Dir("usr/lib"),
                File("usr/lib/a", "shared"),
                Hardlink("usr/lib/a-link", "usr/lib/a"),
                Hardlink("usr/lib/a-link2", "usr/lib/a"),
                File("usr/lib/b", "b"),
                Hardlink("usr/lib/b-link", "usr/lib/b"),
                Symlink("bin", "usr/bin"),
                Symlink("dangling", "/no/such/file"),
                Dir("var"),
                Dir("var/cache"),
                File("var/cache/a", "a"),
                Dir("var/cache/sub"),
                File("var/cache/sub/c", "c"),
                Dir("opt"),
                Dir("opt/keep"),
                File("opt/keep/k", "k"),
                Dir("tmp", 01777),
                File("tmp/gone", "x"),
                Dir("dir-then-file"),
                File("dir-then-file/child", "c"),
                File("file-then-dir", "f"),
                Node("dev/null", AE_IFCHR, 1, 3),
                Node("run/fifo", AE_IFIFO),
                with_xattr(File("etc/labelled", "l"), "user.lxcri.test", "value")}),
      make_tar({Opaque("var/cache"), File("var/cache/new", "n"), Whiteout("etc", "passwd"),
                at_time(File("etc/os", "v2"), 1'700'000'000), Whiteout("", "tmp"),
                File("dir-then-file", "now a file"), Dir("file-then-dir"),
                File("file-then-dir/inside", "i"), File("usr/bin/tool", "tool-v2", 0755),
                Dir("opt/keep", 0700), File("usr/lib/mode", "m", 0600)}),
      make_tar({Whiteout("opt", "keep"), Dir("opt/keep"), File("opt/keep/fresh", "f"),
                Whiteout("usr/lib", "b"), owned(File("usr/lib/mode", "m2", 0640), 7, 8)}),
  };
}

// Everything the test compares of one path, as text, so that a difference
// prints as one readable line.
std::string describe(const std::filesystem::path& path, bool with_xattrs) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return "lstat failed";
  std::string out;
  char perm[16];
  std::snprintf(perm, sizeof perm, "%04o", st.st_mode & 07777);
  out += perm;
  out += " " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
  if (S_ISDIR(st.st_mode)) {
    out += " dir";  // a directory's time changes as entries are removed
  } else if (S_ISREG(st.st_mode)) {
    out += " file '" + read_file(path) + "' mtime " + std::to_string(st.st_mtim.tv_sec);
  } else if (S_ISLNK(st.st_mode)) {
    out += " symlink -> " + std::filesystem::read_symlink(path).string();
  } else if (S_ISCHR(st.st_mode)) {
    out += " char " + std::to_string(major(st.st_rdev)) + "," + std::to_string(minor(st.st_rdev));
  } else if (S_ISFIFO(st.st_mode)) {
    out += " fifo";
  } else {
    out += " other";
  }
  if (!with_xattrs) return out;
  char names[1024];
  const ssize_t length = ::llistxattr(path.c_str(), names, sizeof names);
  for (ssize_t i = 0; i < length; i += static_cast<ssize_t>(std::strlen(names + i)) + 1) {
    const std::string name = names + i;
    if (!name.starts_with("user.")) continue;  // security.* and the like: the filesystem's
    char value[256];
    const ssize_t size = ::lgetxattr(path.c_str(), name.c_str(), value, sizeof value);
    out += " " + name + "=" + std::string(value, size > 0 ? size : 0);
  }
  return out;
}

// path -> description, each file with the other paths of its inode.
std::map<std::string, std::string> tree_of(const std::filesystem::path& root,
                                           bool with_xattrs = true) {
  std::map<std::string, std::string> tree;
  std::map<std::pair<dev_t, ino_t>, std::set<std::string>> links;
  for (auto it = std::filesystem::recursive_directory_iterator(root);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    const std::string relative = it->path().lexically_relative(root).string();
    tree[relative] = describe(it->path(), with_xattrs);
    struct stat st;
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      links[{st.st_dev, st.st_ino}].insert(relative);
    }
  }
  for (const auto& [inode, paths] : links) {
    if (paths.size() < 2) continue;
    for (const std::string& path : paths) {
      tree[path] += " linked to";
      for (const std::string& other : paths)
        if (other != path) tree[path] += " " + other;
    }
  }
  return tree;
}

class TreeEqualityTest : public ImageLayersTest {
 protected:
  // Whether the backend's storage keeps user xattrs (zfs-fuse keeps none).
  bool stores_user_xattrs() {
    auto mounts = store_->prepare("probe", "");
    EXPECT_TRUE(mounts) << mounts.error().to_string();
    const auto dir = mount_point("probe");
    EXPECT_TRUE(mount_all(mounts.value(), dir).is_ok());
    write_file(dir / "f", "");
    const bool kept = ::setxattr((dir / "f").c_str(), "user.probe", "1", 1, 0) == 0;
    EXPECT_TRUE(unmount(dir).is_ok());
    EXPECT_TRUE(store_->remove("probe").is_ok());
    return kept;
  }
};

TEST_P(TreeEqualityTest, TheImageThroughTheSnapshotterIsThePlainUnpack) {
  auto resolved = image(layers());
  const auto plain = base_ / "plain";
  auto unpacked = oci::unpack::unpack_image(*images_, resolved, plain);
  ASSERT_TRUE(unpacked) << unpacked.error().to_string();
  const auto expected = tree_of(plain);
  // The layers did what they say, so the comparison below means something.
  EXPECT_EQ(expected.count("tmp"), 0u);
  EXPECT_EQ(expected.count("var/cache/a"), 0u);
  EXPECT_EQ(expected.count("opt/keep/k"), 0u);
  EXPECT_EQ(expected.at("dir-then-file"), "0644 0:0 file 'now a file' mtime 1600000000");
  EXPECT_EQ(expected.at("usr/lib/a-link"),
            "0644 0:0 file 'shared' mtime 1600000000 linked to usr/lib/a usr/lib/a-link2");
  EXPECT_EQ(expected.at("usr/lib/b-link"), "0644 0:0 file 'b' mtime 1600000000");
  EXPECT_EQ(expected.at("usr/bin/tool-link"), "0755 0:0 file 'tool-v1' mtime 1600000000");
  EXPECT_EQ(expected.at("etc/labelled"),
            "0644 0:0 file 'l' mtime 1600000000 user.lxcri.test=value");

  const bool xattrs = stores_user_xattrs();
  std::vector<std::string> warnings;
  oci::unpack::UnpackOptions options;
  options.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
  auto committed = commit_image_layers(*store_, *images_, resolved, options);
  ASSERT_TRUE(committed) << committed.error().to_string();
  if (!xattrs) {
    // Where they cannot be kept, the loss is said, not silent.
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("xattr \"user.lxcri.test\" not set"), std::string::npos)
        << warnings[0];
    std::cout << "[ NOTE     ] " << GetParam() << " keeps no user xattrs here: not compared\n";
  } else {
    EXPECT_EQ(warnings, std::vector<std::string>{});
  }
  auto mounts = store_->view("tree", committed.value().top);
  ASSERT_TRUE(mounts) << mounts.error().to_string();
  const auto dir = mount_point("tree");
  ASSERT_TRUE(mount_all(mounts.value(), dir).is_ok());
  const auto seen = tree_of(dir, xattrs);
  EXPECT_TRUE(unmount(dir).is_ok());

  for (const auto& [path, description] : xattrs ? expected : tree_of(plain, false)) {
    auto it = seen.find(path);
    if (it == seen.end()) {
      ADD_FAILURE() << path << " is missing; the plain unpack has " << description;
    } else {
      EXPECT_EQ(it->second, description) << path;
    }
  }
  for (const auto& [path, description] : seen) {
    EXPECT_TRUE(expected.contains(path)) << path << " should not be there: " << description;
  }
}

INSTANTIATE_TEST_SUITE_P(Drivers, TreeEqualityTest,
                         ::testing::Values("overlayfs", "btrfs", "copy", "zfs"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace layerfs::testing
