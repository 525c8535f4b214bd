// layerfs/disk_usage.h: the space a directory tree takes, as `du` counts it.
#pragma once

#include <filesystem>

#include "core/error.h"
#include "layerfs/snapshot.h"

namespace layerfs {

// Blocks allocated (st_blocks * 512) and inodes of everything under `dir`,
// `dir` included, without following symlinks or crossing into other
// filesystems; a file with several hard links counts once.
core::Result<Usage> disk_usage(const std::filesystem::path& dir);

}  // namespace layerfs
