#include "layerfs/zfs_driver.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "layerfs/command.h"
#include "layerfs/disk_usage.h"
#include "layerfs/storage_dir.h"

namespace layerfs {

namespace {

constexpr const char* kLayerSnapshot = "@layer";

core::Error zfs_error(const core::Error& cause, const std::string& dataset) {
  return core::Error(cause.code(), "zfs: " + cause.message()).with_field(dataset);
}

// Whether `name` is a dataset (or snapshot) that exists.
bool exists(const std::string& name) {
  return run_command({"zfs", "list", "-H", "-o", "name", name}).is_ok();
}

}  // namespace

core::Result<std::unique_ptr<ZfsDriver>> ZfsDriver::open(const std::filesystem::path& root) {
  const char* env = std::getenv("LXCRI_ZFS_DATASET");
  return open(root, env != nullptr && *env != '\0' ? env : "rpool/lxcri");
}

core::Result<std::unique_ptr<ZfsDriver>> ZfsDriver::open(const std::filesystem::path& root,
                                                         const std::string& dataset) {
  if (::access("/dev/zfs", F_OK) != 0) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "ZFS is not available on this machine (no /dev/zfs: the zfs kernel module "
                       "is not loaded); the zfs snapshotter needs it and zfsutils-linux, or use "
                       "overlayfs");
  }
  auto listed = run_command({"zfs", "list", "-H", "-o", "name", dataset});
  if (!listed) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "the parent dataset for the zfs snapshotter is not usable (set "
                       "LXCRI_ZFS_DATASET, e.g. rpool/lxcri, and create it): " +
                           listed.error().message())
        .with_field(dataset);
  }
  auto made = make_snapshots_dir(root);
  if (!made) return made.error();
  return std::unique_ptr<ZfsDriver>(new ZfsDriver(std::move(made).value(), dataset));
}

core::Status ZfsDriver::create(const std::string& id, const std::vector<std::string>& chain,
                               Kind kind) {
  const std::string dataset = dataset_of(id);
  std::vector<std::string> argv = {"zfs"};
  if (chain.empty()) {
    argv.push_back("create");
  } else {
    argv.push_back("clone");
  }
  for (const std::string& property :
       {"mountpoint=" + (snapshots_ / id).string(), std::string("canmount=on"),
        std::string("atime=off"),
        std::string(kind == Kind::kView ? "readonly=on" : "readonly=off")}) {
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
  if (!exists(snapshot)) {  // a commit repeated after a crash has it already
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
  if (!exists(dataset)) {
    // No dataset: at most the mount point directory a failed create left.
    std::error_code ignored;
    std::filesystem::remove(snapshots_ / id, ignored);
    return core::Status();
  }
  if (auto s = run_command({"zfs", "destroy", "-r", dataset}); !s) {
    return zfs_error(s.error(), dataset);
  }
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
