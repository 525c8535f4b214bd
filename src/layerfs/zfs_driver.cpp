#include "layerfs/zfs_driver.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "layerfs/command.h"
#include "layerfs/disk_usage.h"
#include "layerfs/mount.h"
#include "layerfs/storage_dir.h"
#include "oci/digest.h"

namespace layerfs {

namespace {

constexpr const char* kLayerSnapshot = "@layer";
// On each store's dataset: the snapshots directory it belongs to.
constexpr const char* kRootProperty = "org.lxcri:root";

core::Error zfs_error(const core::Error& cause, const std::string& dataset) {
  return core::Error(cause.code(), "zfs: " + cause.message()).with_field(dataset);
}

bool is_busy(const core::Error& e) {
  return e.message().find("dataset is busy") != std::string::npos;
}

// Whether `name` is a dataset (or snapshot) that exists; an error when zfs
// cannot say (its daemon restarting, say), which must not read as "gone".
core::Result<bool> exists(const std::string& name) {
  auto listed = run_command({"zfs", "list", "-H", "-o", "name", name});
  if (listed) return true;
  if (listed.error().message().find("does not exist") != std::string::npos) return false;
  return zfs_error(listed.error(), name);
}

// `zfs destroy -r`. A dataset is "busy" while its mount is in use, and for a
// moment after the last user let go (zfs-fuse releases files asynchronously):
// retries over about 1.5 s, then the error.
core::Result<std::string> destroy(const std::string& dataset) {
  auto done = run_command({"zfs", "destroy", "-r", dataset});
  for (int retry = 1; retry <= 5 && !done && is_busy(done.error()); ++retry) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << (retry - 1)));
    done = run_command({"zfs", "destroy", "-r", dataset});
  }
  return done;
}

// PARENT/store-<16 hex of sha256(snapshots dir)>, made on first use with
// org.lxcri:root naming the directory; an existing one must name ours.
core::Result<std::string> store_dataset(const std::string& parent,
                                        const std::filesystem::path& snapshots) {
  // Canonical, so that --store ./s and a symlinked root name one store.
  std::error_code ec;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(snapshots, ec);
  const std::string path = ec ? snapshots.string() : canonical.string();
  const std::string dataset =
      parent + "/store-" + std::string(oci::Digest::sha256_of(path).encoded().substr(0, 16));
  auto owner = run_command({"zfs", "get", "-H", "-o", "value", kRootProperty, dataset});
  if (!owner) {
    auto made = run_command({"zfs", "create", "-o", "mountpoint=none", "-o", "canmount=off", "-o",
                             std::string(kRootProperty) + "=" + path, dataset});
    if (made) return dataset;
    if (auto there = exists(dataset); !there || !there.value()) {
      return zfs_error(made.error(), dataset);
    }
    // Another process made it meanwhile: check it as below.
    owner = run_command({"zfs", "get", "-H", "-o", "value", kRootProperty, dataset});
    if (!owner) return zfs_error(owner.error(), dataset);
  }
  std::string named = owner.value();
  while (!named.empty() && named.back() == '\n')
    named.pop_back();
  if (named != path) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "dataset " + dataset + " belongs to the store at " + named + ", not " + path)
        .with_field(dataset);
  }
  return dataset;
}

}  // namespace

core::Result<std::unique_ptr<ZfsDriver>> ZfsDriver::open(const std::filesystem::path& root) {
  const char* env = std::getenv("LXCRI_ZFS_DATASET");
  return open(root, env != nullptr && *env != '\0' ? env : "rpool/lxcri");
}

core::Result<std::unique_ptr<ZfsDriver>> ZfsDriver::open(const std::filesystem::path& root,
                                                         const std::string& dataset) {
  // The kernel's ZFS (zfsutils-linux) and zfs-fuse both answer through the
  // zfs command; asking it for the dataset checks ZFS and the dataset at once.
  auto listed = run_command({"zfs", "list", "-H", "-o", "name", dataset});
  if (!listed && listed.error().code() == core::ErrorCode::kNotFound) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "ZFS is not available on this machine (no zfs command): the zfs "
                       "snapshotter needs zfsutils-linux (or zfs-fuse); or use overlayfs");
  }
  if (!listed) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "the parent dataset for the zfs snapshotter is not usable (set "
                       "LXCRI_ZFS_DATASET, e.g. rpool/lxcri, and create it): " +
                           listed.error().message())
        .with_field(dataset);
  }
  auto made = make_snapshots_dir(root);
  if (!made) return made.error();
  auto own = store_dataset(dataset, made.value());
  if (!own) return own.error();
  return std::unique_ptr<ZfsDriver>(new ZfsDriver(std::move(made).value(), std::move(own).value()));
}

core::Status ZfsDriver::create(const std::string& id, const std::vector<std::string>& chain, Kind) {
  const std::string dataset = dataset_of(id);
  std::vector<std::string> argv = {"zfs"};
  if (chain.empty()) {
    argv.push_back("create");
  } else {
    argv.push_back("clone");
  }
  // A view is read-only through its bind mount (mounts()), not through
  // readonly=on: on a readonly dataset zfs-fuse fails listxattr on any file
  // without xattrs, and the kernel then turns xattrs off for the whole mount.
  for (const std::string& property :
       {"mountpoint=" + (snapshots_ / id).string(), std::string("canmount=on"),
        std::string("atime=off"), std::string("readonly=off")}) {
    argv.push_back("-o");
    argv.push_back(property);
  }
  if (!chain.empty()) argv.push_back(dataset_of(chain[0]) + kLayerSnapshot);
  argv.push_back(dataset);
  if (auto made = run_command(argv); !made) return zfs_error(made.error(), dataset);
  return core::Status();
}

core::Result<std::vector<Mount>> ZfsDriver::mounts(const std::string& id,
                                                   const std::vector<std::string>&,
                                                   Kind kind) const {
  return bind_mount((snapshots_ / id).string(), kind == Kind::kView);
}

core::Status ZfsDriver::commit(const std::string& id) {
  const std::string dataset = dataset_of(id);
  const std::string snapshot = dataset + kLayerSnapshot;
  auto taken = exists(snapshot);  // a commit repeated after a crash has it already
  if (!taken) return taken.error();
  if (!taken.value()) {
    if (auto s = run_command({"zfs", "snapshot", snapshot}); !s) {
      return zfs_error(s.error(), snapshot);
    }
  }
  if (auto s = run_command({"zfs", "set", "readonly=on", dataset}); !s) {
    return zfs_error(s.error(), dataset);
  }
  return core::Status();
}

core::Status ZfsDriver::remove(const std::string& id) {
  const std::string dataset = dataset_of(id);
  auto there = exists(dataset);
  if (!there) return there.error();
  if (!there.value()) {
    // No dataset: at most the mount point directory a failed create left,
    // and whatever was written into it while nothing was mounted there.
    // Something mounted there means the dataset is there after all.
    if (mounted_at(snapshots_ / id)) {
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "zfs does not list the dataset, yet something is mounted at its place")
          .with_field(dataset)
          .with_file((snapshots_ / id).string());
    }
    std::error_code ignored;
    std::filesystem::remove_all(snapshots_ / id, ignored);
    return core::Status();
  }
  if (auto s = destroy(dataset); !s) return zfs_error(s.error(), dataset);
  std::error_code ignored;
  std::filesystem::remove(snapshots_ / id, ignored);
  return core::Status();
}

core::Result<Usage> ZfsDriver::usage(const std::string& id) const {
  const std::string dataset = dataset_of(id);
  auto used = run_command({"zfs", "get", "-Hp", "-o", "value", "used", dataset});
  if (!used) return zfs_error(used.error(), dataset);
  auto walked = disk_usage(snapshots_ / id);
  if (!walked) return walked.error();
  Usage u = walked.value();
  u.bytes = std::strtoull(used.value().c_str(), nullptr, 10);
  return u;
}

core::Result<std::vector<std::string>> ZfsDriver::stored_ids() const {
  auto listed = run_command({"zfs", "list", "-H", "-o", "name", "-d", "1", dataset_});
  if (!listed) return zfs_error(listed.error(), dataset_);
  std::vector<std::string> ids;
  std::istringstream lines(listed.value());
  std::string name;
  const std::string prefix = dataset_ + "/";
  while (std::getline(lines, name)) {
    if (name.starts_with(prefix)) ids.push_back(name.substr(prefix.size()));
  }
  // A mount point directory whose dataset is gone is an orphan too.
  auto dirs = list_ids(snapshots_);
  if (dirs) {
    for (const std::string& id : dirs.value()) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  return ids;
}

}  // namespace layerfs
