// oci/unpack/apply_layer.h: one layer applied in place onto an existing tree,
// such as the mounted active snapshot a snapshotter (layerfs) made on the
// layers below it.
//
// The same rules as RootfsWriter (rootfs_writer.h): parents resolved inside
// the root, hostile names refused, the limits, whiteouts removing what lower
// layers had (on an overlay mount that records a whiteout in the upper
// layer). What it does not do is the temp directory and the rename: the
// caller's snapshot is what is thrown away when a layer fails.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "oci/archive/byte_source.h"
#include "oci/unpack/rootfs_writer.h"

namespace oci::unpack {

// Applies `tar` (read to its end, so a verifying source can report a digest
// mismatch) onto the directory `root`, then its deferred directory metadata,
// then syncs the filesystem.
core::Result<UnpackStats> apply_layer_in_place(const std::filesystem::path& root,
                                               archive::ByteSource& tar,
                                               std::string_view layer_name,
                                               const UnpackOptions& options = {});

}  // namespace oci::unpack
