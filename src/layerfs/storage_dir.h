// layerfs/storage_dir.h: <root>/snapshots, where every driver keeps one
// entry per snapshot id (internal to layerfs/).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace layerfs {

// Makes <root>/snapshots (and `root`) if missing; a symlink there is refused.
core::Result<std::filesystem::path> make_snapshots_dir(const std::filesystem::path& root);

// The names of the entries of `snapshots`: the ids that have storage.
core::Result<std::vector<std::string>> list_ids(const std::filesystem::path& snapshots);

}  // namespace layerfs
