#include "layerfs/layer_gc.h"

#include <map>
#include <set>

#include "oci/layers/chain_ids_in_use.h"

namespace layerfs {
namespace {

bool is_layer(const Info& info) {
  return info.kind == Kind::kCommitted && info.key.starts_with("sha256:");
}

}  // namespace

core::Result<LayerGcReport> remove_unused_layers(Snapshotter& snapshots,
                                                 const oci::store::Store& store) {
  auto lock = store.exclusive();
  if (!lock) return lock.error();
  auto in_use = oci::layers::chain_ids_in_use(store);
  if (!in_use) return in_use.error();
  auto all = snapshots.walk();
  if (!all) return all.error();

  std::map<std::string, Info> by_key;
  std::map<std::string, std::size_t> children;
  for (Info& info : all.value()) {
    if (!info.parent.empty()) ++children[info.parent];
    by_key.emplace(info.key, std::move(info));
  }
  // Unused leaves first; each removal may make its parent the next one.
  std::vector<std::string> ready;
  for (const auto& [key, info] : by_key) {
    if (is_layer(info) && !in_use.value().contains(key) && children[key] == 0) {
      ready.push_back(key);
    }
  }
  LayerGcReport report;
  while (!ready.empty()) {
    const std::string key = std::move(ready.back());
    ready.pop_back();
    auto usage = snapshots.usage(key);
    if (auto s = snapshots.remove(key); !s) {
      // Built on or removed meanwhile by a `lxcri snapshot` command (which
      // takes no lease): not this pass's to remove.
      const core::ErrorCode code = s.error().code();
      if (code == core::ErrorCode::kFailedPrecondition || code == core::ErrorCode::kNotFound) {
        continue;
      }
      return s.error();
    }
    report.removed.push_back(key);
    if (usage) report.bytes_freed += usage.value().bytes;
    const std::string& parent = by_key.at(key).parent;
    if (parent.empty()) continue;
    auto it = by_key.find(parent);
    if (--children[parent] == 0 && it != by_key.end() && is_layer(it->second) &&
        !in_use.value().contains(parent)) {
      ready.push_back(parent);
    }
  }
  return report;
}

}  // namespace layerfs
