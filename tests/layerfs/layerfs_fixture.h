// tests/layerfs: a snapshot store on a private tmpfs, with real mounts.
//
// Each test gets a fresh tmpfs (so overlayfs has a proper upper filesystem
// and nothing touches the machine's disks) and, at the end, checks that it
// left no mount behind under it before unmounting it.
#pragma once

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "layerfs/mount.h"
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

class LayerfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting needs root";
    char tmpl[] = "/tmp/lxcri-layerfs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    ASSERT_EQ(::mount("tmpfs", base_.c_str(), "tmpfs", 0, "size=512m"), 0) << strerror(errno);
    mounted_ = true;
    root_ = base_ / "store";
    auto s = open_store();
    ASSERT_TRUE(s) << s.error().to_string();
    store_ = std::move(s).value();
  }

  void TearDown() override {
    if (!mounted_) return;
    store_.reset();
    std::vector<std::string> left = mounts_under(base_.string());
    // The tmpfs itself is expected; anything else is a leak of the test.
    std::erase(left, base_.string());
    EXPECT_EQ(left, std::vector<std::string>{}) << "mounts left behind";
    for (auto it = left.rbegin(); it != left.rend(); ++it)
      ::umount2(it->c_str(), MNT_DETACH);
    ::umount2(base_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(base_);
  }

  core::Result<std::unique_ptr<Snapshotter>> open_store() {
    auto driver = OverlayDriver::open(root_);
    if (!driver) return driver.error();
    return Snapshotter::open(root_, std::move(driver).value());
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
    ASSERT_TRUE(unmount_all(dir).is_ok());
    auto c = store_->commit(name, name + "-extract");
    ASSERT_TRUE(c.is_ok()) << c.to_string();
  }

  std::filesystem::path base_;
  std::filesystem::path root_;
  bool mounted_ = false;
  std::unique_ptr<Snapshotter> store_;
};

}  // namespace layerfs::testing
