#include "layerfs/image_layers.h"

#include <unistd.h>

#include <atomic>
#include <vector>

#include "layerfs/mount.h"
#include "oci/archive/layer_sources.h"
#include "oci/store/posix_file.h"
#include "oci/unpack/apply_layer.h"

namespace layerfs {

namespace {

// A name no other process or thread uses at the same time.
std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter++);
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
  const std::string key = "extract-" + suffix + "-" + chain_id;
  auto mounts = snapshots.prepare(key, parent, {{"lxcri.layer", chain_id}});
  if (!mounts) return mounts.error();
  const std::filesystem::path dir = snapshots.root() / "mnt" / ("extract-" + suffix);
  auto result = [&]() -> core::Result<oci::unpack::UnpackStats> {
    if (core::Status s = oci::store::make_dirs(dir); !s.is_ok()) return s.error();
    if (core::Status s = mount_all(mounts.value(), dir); !s.is_ok()) return s.error();
    auto stats = oci::unpack::apply_layer_in_place(dir, tar, layer_name, options);
    core::Status unmounted = unmount_all(dir);
    if (!stats) return stats.error();
    if (!unmounted.is_ok()) return unmounted.error();
    return stats;
  }();
  std::error_code ignored;
  std::filesystem::remove(dir, ignored);
  if (!result) {
    (void)snapshots.remove(key);
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
