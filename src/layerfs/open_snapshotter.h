// layerfs/open_snapshotter.h: the snapshotter of a content store, by name.
//
// A store keeps each snapshotter's snapshots apart, under
// <store>/snapshots/<name>/ (metadata.json, lock, the driver's storage and
// mnt/ for its own temporary mounts), so switching --snapshotter never
// mixes them. The names: overlayfs (the default), btrfs (the store must be
// on btrfs), zfs (datasets under $LXCRI_ZFS_DATASET, default rpool/lxcri)
// and copy (any filesystem).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "layerfs/snapshotter.h"

namespace layerfs {

inline constexpr std::string_view kDefaultSnapshotter = "overlayfs";
// Every name --snapshotter may take.
inline const std::vector<std::string> kSnapshotterNames = {"overlayfs", "btrfs", "zfs", "copy"};

core::Result<std::unique_ptr<Snapshotter>> open_snapshotter(const std::filesystem::path& store_root,
                                                            std::string_view name);
// The same with the snapshotter's own directory given (tests, benchmarks).
core::Result<std::unique_ptr<Snapshotter>> open_snapshotter_at(const std::filesystem::path& root,
                                                               std::string_view name);

}  // namespace layerfs
