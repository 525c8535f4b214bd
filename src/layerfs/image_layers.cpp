#include "layerfs/image_layers.h"

#include <unistd.h>

#include <signal.h>
#include <sys/random.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "layerfs/mount.h"
#include "oci/archive/layer_sources.h"
#include "oci/store/posix_file.h"
#include "oci/unpack/apply_layer.h"

namespace layerfs {

namespace {

constexpr std::string_view kExtractPrefix = "extract-";

// "<pid>-<n>-<random>": no other process or thread uses it at the same time,
// and the pid says whose it is (remove_abandoned_extracts).
std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  unsigned random = 0;
  if (::getrandom(&random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) random = 0;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", random);
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + hex;
}

// A process killed while applying a layer leaves its active "extract-<pid>-.."
// snapshot, mounted at mnt/extract-<pid>-..; once that pid is gone, both go.
void remove_abandoned_extracts(Snapshotter& snapshots) {
  auto all = snapshots.walk();
  if (!all) return;
  for (const Info& info : all.value()) {
    if (info.kind != Kind::kActive || !info.key.starts_with(kExtractPrefix)) continue;
    const std::string rest = info.key.substr(kExtractPrefix.size());
    const pid_t pid = static_cast<pid_t>(std::strtol(rest.c_str(), nullptr, 10));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    // "<pid>-<n>-<random>-<chain id>": the mount directory has the first three.
    size_t end = rest.find('-', rest.find('-', rest.find('-') + 1) + 1);
    if (end == std::string::npos) continue;
    const std::filesystem::path dir =
        snapshots.root() / "mnt" / (std::string(kExtractPrefix) + rest.substr(0, end));
    auto mounts = snapshots.mounts(info.key);
    if (mounts && !mounts.value().empty() && is_mount_of(mounts.value()[0], dir)) {
      if (!unmount(dir, /*detach=*/true).is_ok()) continue;
    }
    std::error_code ignored;
    std::filesystem::remove(dir, ignored);
    (void)snapshots.remove(info.key);
  }
}

// Applies `tar` into a new active snapshot on `parent` and commits it as
// `chain_id`; on any failure the active snapshot is removed.
core::Result<oci::unpack::UnpackStats> apply_one(Snapshotter& snapshots,
                                                 const std::string& chain_id,
                                                 const std::string& parent,
                                                 oci::archive::ByteSource& tar,
                                                 const std::string& layer_name,
                                                 const oci::unpack::UnpackOptions& options) {
  const std::string suffix = unique_suffix();
  const std::string key = std::string(kExtractPrefix) + suffix + "-" + chain_id;
  auto mounts = snapshots.prepare(key, parent, {{"lxcri.layer", chain_id}});
  if (!mounts) return mounts.error();
  const std::filesystem::path dir =
      snapshots.root() / "mnt" / (std::string(kExtractPrefix) + suffix);
  bool still_mounted = false;
  auto result = [&]() -> core::Result<oci::unpack::UnpackStats> {
    if (core::Status s = oci::store::make_store_dir(snapshots.root() / "mnt"); !s.is_ok()) {
      return s.error();
    }
    if (core::Status s = oci::store::make_store_dir(dir); !s.is_ok()) return s.error();
    if (core::Status s = mount_all(mounts.value(), dir); !s.is_ok()) return s.error();
    auto stats = oci::unpack::apply_layer_in_place(dir, tar, layer_name, options);
    core::Status unmounted = unmount(dir);
    if (!unmounted.is_ok()) {
      // Busy: detach it, and keep the snapshot, whose storage it may still
      // use (remove_abandoned_extracts takes it once this process is gone).
      (void)unmount(dir, /*detach=*/true);
      still_mounted = true;
      return stats ? unmounted.error() : stats.error();
    }
    return stats;
  }();
  std::error_code ignored;
  std::filesystem::remove(dir, ignored);
  if (!result) {
    if (!still_mounted) (void)snapshots.remove(key);
    return result.error();
  }
  core::Status committed = snapshots.commit(chain_id, key);
  if (!committed.is_ok()) {
    (void)snapshots.remove(key);
    // Another process committed the same layer meanwhile: use theirs.
    if (committed.error().code() == core::ErrorCode::kAlreadyExists) return result;
    return committed.error();
  }
  return result;
}

}  // namespace

core::Result<ImageLayersResult> commit_image_layers(Snapshotter& snapshots,
                                                    const oci::store::Store& store,
                                                    const oci::layers::ResolvedImage& image,
                                                    const oci::unpack::UnpackOptions& options) {
  ImageLayersResult out;
  remove_abandoned_extracts(snapshots);
  // The first layer not committed yet: everything from there up is applied.
  size_t first_missing = image.layers.size();
  for (size_t i = 0; i < image.layers.size(); ++i) {
    auto info = snapshots.stat(image.layers[i].chain_id.str());
    if (!info || info.value().kind != Kind::kCommitted) {
      first_missing = i;
      break;
    }
  }
  std::vector<oci::archive::LayerSpec> specs;
  for (size_t i = first_missing; i < image.layers.size(); ++i)
    specs.push_back({image.layers[i].blob, image.layers[i].diff_id});
  std::string parent = first_missing == 0 ? "" : image.layers[first_missing - 1].chain_id.str();
  if (!specs.empty()) {
    auto sources = oci::archive::LayerSources::open(store, std::move(specs));
    if (!sources) return sources.error();
    for (size_t i = first_missing; i < image.layers.size(); ++i) {
      const oci::layers::Layer& layer = image.layers[i];
      auto stats =
          apply_one(snapshots, layer.chain_id.str(), parent,
                    sources.value().layer(i - first_missing), layer.blob.digest.str(), options);
      if (!stats) return stats.error();
      out.stats.entries += stats.value().entries;
      out.stats.bytes += stats.value().bytes;
      out.stats.whiteouts += stats.value().whiteouts;
      out.stats.skipped += stats.value().skipped;
      ++out.layers_applied;
      parent = layer.chain_id.str();
    }
  }
  out.top = parent;
  return out;
}

}  // namespace layerfs
