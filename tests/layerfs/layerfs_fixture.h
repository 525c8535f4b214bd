// tests/layerfs: a snapshot store on a private tmpfs, with real mounts, for
// each driver (the test parameter): "overlayfs" and "copy" keep their store
// on the tmpfs, "btrfs" on a btrfs made in a file there (mkfs.btrfs, a loop
// mount), "zfs" in a child dataset made for the test under
// $LXCRI_TEST_ZFS_DATASET (ctest sets it to the pool zfs_pool.sh makes on a
// file; skipped, saying why, when there is no such dataset).
//
// Each test gets a fresh tmpfs (nothing touches the machine's disks) and, at
// the end, checks that it left no mount behind under it (and no loop device
// on its file) before unmounting it.
#pragma once

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "layerfs/mount.h"
#include "layerfs/open_snapshotter.h"
#include "layerfs/overlay_driver.h"
#include "layerfs/snapshotter.h"

namespace layerfs::testing {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// Mount points at or below `dir`, from /proc/self/mountinfo.
inline std::vector<std::string> mounts_under(const std::string& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devs, root, point;
    fields >> id >> parent >> devs >> root >> point;
    if (point == dir || point.starts_with(dir + "/")) out.push_back(point);
  }
  return out;
}

inline int run(const std::string& command) {
  return std::system(("(" + command + ") >/dev/null 2>&1").c_str());
}

class LayerfsTest : public ::testing::TestWithParam<std::string> {
 protected:
  bool overlay() const { return GetParam() == "overlayfs"; }
  bool btrfs() const { return GetParam() == "btrfs"; }
  bool zfs() const { return GetParam() == "zfs"; }

  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting needs root";
    if (btrfs() && run("command -v mkfs.btrfs") != 0) {
      GTEST_SKIP() << "mkfs.btrfs is not installed (btrfs-progs; scripts/setup installs it)";
    }
    if (zfs()) {
      const char* parent = std::getenv("LXCRI_TEST_ZFS_DATASET");
      if (parent == nullptr || *parent == '\0') {
        GTEST_SKIP() << "set LXCRI_TEST_ZFS_DATASET to a dataset the zfs tests may use";
      }
      if (run(std::string("zfs list -H -o name ") + parent) != 0) {
        GTEST_SKIP() << "no ZFS dataset " << parent << " on this machine: no /dev/zfs and no "
                     << "zfs-fuse (tests/layerfs/zfs_pool.sh start says which)";
      }
      // Parameterized test names hold '/', which a dataset name must not.
      std::string leaf = std::string("test-") + std::to_string(::getpid()) + "-" +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(leaf.begin(), leaf.end(), '/', '-');
      zfs_dataset_ = std::string(parent) + "/" + leaf;
      ASSERT_EQ(run("zfs create " + zfs_dataset_), 0) << "cannot create " << zfs_dataset_;
      ::setenv("LXCRI_ZFS_DATASET", zfs_dataset_.c_str(), 1);
    }
    char tmpl[] = "/tmp/lxcri-layerfs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    ASSERT_EQ(::mount("tmpfs", base_.c_str(), "tmpfs", 0, "size=1g"), 0) << strerror(errno);
    mounted_ = true;
    root_ = base_ / "store";
    if (btrfs()) {
      const std::string image = (base_ / "btrfs.img").string();
      std::filesystem::create_directories(root_);
      ASSERT_EQ(run("truncate -s 400M " + image + " && mkfs.btrfs -q " + image), 0);
      ASSERT_EQ(run("mount -o loop " + image + " " + root_.string()), 0)
          << "cannot loop-mount a btrfs";
    }
    auto s = open_store();
    ASSERT_TRUE(s) << s.error().to_string();
    store_ = std::move(s).value();
  }

  void TearDown() override {
    if (!mounted_) return;
    store_.reset();
    std::vector<std::string> left = mounts_under(base_.string());
    // The tmpfs and the btrfs are the fixture's, and ZFS mounts each
    // dataset at its storage directory (gone with the test's dataset below);
    // anything else is a leak.
    std::erase(left, base_.string());
    if (btrfs()) std::erase(left, root_.string());
    if (zfs()) {
      std::erase_if(left, [&](const std::string& m) {
        return std::filesystem::path(m).parent_path() == root_ / "snapshots";
      });
    }
    EXPECT_EQ(left, std::vector<std::string>{}) << "mounts left behind";
    for (auto it = left.rbegin(); it != left.rend(); ++it)
      ::umount2(it->c_str(), MNT_DETACH);
    if (btrfs()) {
      ::umount2(root_.c_str(), 0);
      EXPECT_NE(run("losetup -j " + (base_ / "btrfs.img").string() + " | grep -q ."), 0)
          << "the loop device outlived its mount";
    }
    if (zfs()) {
      // "dataset is busy" for a moment after the last unmount.
      for (int i = 0; i < 20 && run("zfs destroy -r " + zfs_dataset_) != 0; ++i)
        ::usleep(200'000);
    }
    ::umount2(base_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(base_);
  }

  // ZFS counts what a dataset uses when it syncs a transaction group, some
  // seconds after the writes; a snapshot syncs one at once.
  void settle_zfs() {
    if (!zfs()) return;
    ASSERT_EQ(
        run("zfs snapshot " + zfs_dataset_ + "@settle && zfs destroy " + zfs_dataset_ + "@settle"),
        0);
  }

  core::Result<std::unique_ptr<Snapshotter>> open_store() {
    return open_snapshotter_at(root_, GetParam());
  }

  // A directory to mount at; unmounted by the test (or TearDown complains).
  std::filesystem::path mount_point(const std::string& name) {
    std::filesystem::path p = base_ / "mnt" / name;
    std::filesystem::create_directories(p);
    return p;
  }

  // prepare(key, parent), mount it, write `files` (name -> text; "" text
  // removes the file), unmount, commit under `name`.
  void layer(const std::string& name, const std::string& parent,
             const std::vector<std::pair<std::string, std::string>>& files) {
    auto mounts = store_->prepare(name + "-extract", parent);
    ASSERT_TRUE(mounts) << mounts.error().to_string();
    auto dir = mount_point(name);
    auto s = mount_all(mounts.value(), dir);
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    for (const auto& [file, text] : files) {
      if (text.empty()) {
        std::filesystem::remove(dir / file);
      } else {
        std::filesystem::create_directories((dir / file).parent_path());
        write_file(dir / file, text);
      }
    }
    ASSERT_TRUE(unmount(dir).is_ok());
    auto c = store_->commit(name, name + "-extract");
    ASSERT_TRUE(c.is_ok()) << c.to_string();
  }

  std::filesystem::path base_;
  std::filesystem::path root_;
  bool mounted_ = false;
  std::string zfs_dataset_;
  std::unique_ptr<Snapshotter> store_;
};

}  // namespace layerfs::testing
