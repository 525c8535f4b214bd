// layerfs: an image's layers committed as snapshots by ChainID: unpacked once
// and shared between images, a container's root filesystem on top of them,
// and a layer that fails (a wrong digest, a hostile entry) leaving nothing.
#include "layerfs/image_layers.h"

#include <sys/wait.h>

#include <csignal>

#include "image_layers_fixture.h"

namespace layerfs::testing {
namespace {

const std::string kBase = tar::make_tar({tar::Dir("etc"), tar::File("etc/os", "base"),
                                         tar::File("bin/sh", "shell"), tar::File("tmp/x", "x")});
const std::string kApp = tar::make_tar(
    {tar::File("etc/os", "app"), tar::Whiteout("tmp", "x"), tar::File("app/run", "run")});
const std::string kOther = tar::make_tar({tar::File("other", "1")});

TEST_P(ImageLayersTest, LayersAreCommittedOnceAndAContainerSeesTheImage) {
  auto app = image({kBase, kApp});
  auto first = commit_image_layers(*store_, *images_, app);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first.value().layers_applied, 2u);
  EXPECT_EQ(first.value().top, app.layers[1].chain_id.str());
  EXPECT_EQ(store_->stat(app.layers[0].chain_id.str()).value().kind, Kind::kCommitted);

  auto mounts = store_->prepare("ctr", first.value().top);
  ASSERT_TRUE(mounts);
  auto dir = mount_point("ctr");
  ASSERT_TRUE(mount_all(mounts.value(), dir).is_ok());
  EXPECT_EQ(read_file(dir / "etc/os"), "app");
  EXPECT_EQ(read_file(dir / "bin/sh"), "shell");
  EXPECT_EQ(read_file(dir / "app/run"), "run");
  EXPECT_FALSE(std::filesystem::exists(dir / "tmp/x")) << "whited out by the app layer";
  EXPECT_TRUE(unmount(dir).is_ok());

  // Again: nothing to apply. Another image on the same base: one layer.
  auto again = commit_image_layers(*store_, *images_, app);
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value().layers_applied, 0u);
  auto other = commit_image_layers(*store_, *images_, image({kBase, kOther}));
  ASSERT_TRUE(other) << other.error().to_string();
  EXPECT_EQ(other.value().layers_applied, 1u);
  EXPECT_EQ(committed(), 3u) << "base, app, other: the base layer is shared";
  EXPECT_EQ(store_->walk().value().size(), 4u) << "and the container; no extract snapshots left";
}

TEST_P(ImageLayersTest, ALayerWithTheWrongBytesLeavesNothing) {
  auto app = image({kBase, kApp});
  // The second layer's blob no longer matches its digest.
  auto blob =
      base_ / "images" / "blobs" / "sha256" / std::string(app.layers[1].blob.digest.encoded());
  ASSERT_TRUE(std::filesystem::exists(blob));
  std::filesystem::permissions(blob, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  write_file(blob, kOther);
  auto result = commit_image_layers(*store_, *images_, app);
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.error().to_string().find(app.layers[1].blob.digest.str()), std::string::npos)
      << result.error().to_string();
  EXPECT_EQ(committed(), 1u) << "the base layer is good and stays";
  EXPECT_EQ(store_->walk().value().size(), 1u) << "the failed layer's snapshot is gone";
  EXPECT_EQ(store_->driver().stored_ids().value().size(), 1u);
}

TEST_P(ImageLayersTest, AHostileLayerIsRefusedAndNothingEscapes) {
  auto evil = image({tar::make_tar({tar::File("../escaped", "x")})});
  auto result = commit_image_layers(*store_, *images_, evil);
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.error().to_string().find("path escapes the root"), std::string::npos)
      << result.error().to_string();
  EXPECT_EQ(store_->walk().value().size(), 0u);
  EXPECT_FALSE(std::filesystem::exists(root_ / "mnt" / "escaped"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "escaped"));
}

TEST_P(ImageLayersTest, AFullDiskFailsTheLayerAndLeavesNothing) {
  if (btrfs()) GTEST_SKIP() << "a btrfs is at least 114 MiB: filling one takes too long here";
  // The store on a 2 MiB tmpfs of its own (ZFS: a 2 MiB quota on the
  // test's datasets, where the layers live); the layer holds 4 MiB.
  auto small = base_ / "small";
  std::filesystem::create_directories(small);
  ASSERT_EQ(::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=2m"), 0);
  if (zfs()) {
    ASSERT_EQ(run("zfs set quota=2M " + zfs_dataset_), 0);
  }
  {
    auto snapshots = open_snapshotter_at(small / "store", GetParam());
    ASSERT_TRUE(snapshots) << snapshots.error().to_string();
    auto big = image({tar::make_tar({tar::File("big", std::string(4 << 20, 'x'))})});
    auto result = commit_image_layers(*snapshots.value(), *images_, big);
    ASSERT_FALSE(result.is_ok());
    EXPECT_NE(result.error().to_string().find(zfs() ? "quota exceeded" : "No space left on device"),
              std::string::npos)
        << result.error().to_string();
    EXPECT_EQ(snapshots.value()->walk().value().size(), 0u);
    EXPECT_EQ(snapshots.value()->driver().stored_ids().value().size(), 0u);
    EXPECT_EQ(mounts_under(small.string()), std::vector<std::string>{small.string()});
  }
  ASSERT_EQ(::umount2(small.c_str(), 0), 0);
}

TEST_P(ImageLayersTest, AnExtractionWhoseProcessDiedIsCleanedUp) {
  // What a process killed in the middle of a layer leaves: its active
  // extract snapshot, mounted under mnt/.
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // `child` is now a pid no process has
  const std::string suffix = std::to_string(child) + "-0-deadbeef";
  auto mounts = store_->prepare("extract-" + suffix + "-sha256:half", "");
  ASSERT_TRUE(mounts);
  auto dir = root_ / "mnt" / ("extract-" + suffix);
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(mount_all(mounts.value(), dir).is_ok());
  write_file(dir / "half-written", "x");

  auto app = image({kBase});
  auto result = commit_image_layers(*store_, *images_, app);
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_FALSE(store_->stat("extract-" + suffix + "-sha256:half").is_ok());
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_EQ(store_->walk().value().size(), 1u) << "only the image's layer";
}

// The real thing: a process SIGKILLed in the middle of a layer of 8000
// files. The next commit (a new Snapshotter, as in a new process) finds the
// dead process's extract snapshot, unmounts and removes it, and applies the
// layer again; the base layer committed before is untouched.
TEST_P(ImageLayersTest, AProcessKilledMidLayerLeavesAStoreTheNextCommitRepairs) {
  std::vector<tar::Entry> files;
  for (int i = 0; i < 8000; ++i)
    files.push_back(tar::File("d/f" + std::to_string(i), "x"));
  auto big = image({kBase, tar::make_tar(files)});
  ASSERT_TRUE(commit_image_layers(*store_, *images_, image({kBase})));

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto result = commit_image_layers(*store_, *images_, big);
    ::_exit(result ? 0 : 1);
  }
  // Until some of the layer is written: d/f100 in the child's extract mount.
  bool midway = false;
  for (int i = 0; i < 6000 && !midway; ++i) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(root_ / "mnt", ec)) {
      midway = midway || (entry.path().filename().string().starts_with("extract-") &&
                          std::filesystem::exists(entry.path() / "d/f100", ec));
    }
    if (!midway) ::usleep(5'000);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(midway) << "the child never got into the layer";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished the layer before it was killed";

  store_.reset();
  auto reopened = open_store();
  ASSERT_TRUE(reopened) << reopened.error().to_string();
  store_ = std::move(reopened).value();
  EXPECT_EQ(committed(), 1u) << "the base layer, and nothing half-applied, is committed";
  auto again = commit_image_layers(*store_, *images_, big);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again.value().layers_applied, 1u);
  EXPECT_EQ(store_->walk().value().size(), 2u) << "the dead process's extract snapshot is gone";
  EXPECT_EQ(store_->driver().stored_ids().value().size(), 2u);
  EXPECT_EQ(mounts_under((root_ / "mnt").string()), std::vector<std::string>{});
  auto mounts = store_->view("check", again.value().top);
  ASSERT_TRUE(mounts);
  auto dir = mount_point("check");
  ASSERT_TRUE(mount_all(mounts.value(), dir).is_ok());
  EXPECT_EQ(read_file(dir / "d/f7999"), "x");
  EXPECT_EQ(read_file(dir / "etc/os"), "base");
  EXPECT_TRUE(unmount(dir).is_ok());
}

INSTANTIATE_TEST_SUITE_P(Drivers, ImageLayersTest,
                         ::testing::Values("overlayfs", "btrfs", "copy", "zfs"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace layerfs::testing
