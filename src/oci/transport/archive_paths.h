// oci/transport/archive_paths.h: the paths of entries inside an image
// archive, normalised and kept inside the archive (internal to
// src/oci/transport).
//
// Tar writers disagree about "./manifest.json" versus "manifest.json", and a
// hostile archive may name "../../etc/passwd"; both extraction and lookup go
// through these two functions so they agree on what a name means.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oci::transport {

// The components of an entry's path without "." and empty parts.
// kInvalidArgument naming the entry for an absolute path or a ".." part.
core::Result<std::vector<std::string>> entry_components(std::string_view name);

// "a/b/c" from the components.
std::string join_components(const std::vector<std::string>& parts);

// Where a symlink entry at `link` pointing to `target` leads, as a
// normalised archive path ("a/layer.tar" -> "../b/layer.tar" gives
// "b/layer.tar"). kInvalidArgument when it leaves the archive.
core::Result<std::string> resolve_link(std::string_view link, std::string_view target);

}  // namespace oci::transport
