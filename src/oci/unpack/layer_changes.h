// oci/unpack/layer_changes.h: what the layer being applied has created so far,
// and the OCI whiteouts that must spare it (internal to src/oci/unpack).
//
// A whiteout (`DIR/.wh.NAME`) or an opaque marker (`DIR/.wh..wh..opq`) removes
// what LOWER layers put there; entries of the same layer stay, wherever the
// marker sits in the tar. So the applier records every path this layer
// creates (and marks their ancestors), and a whiteout removes only what is
// not recorded: a recorded non-directory is kept, a directory that is
// recorded or holds recorded paths is kept and filtered the same way one
// level down, everything else is removed recursively.
//
// A directory emptied of lower layers' entries (opaque, or filtered by a
// whiteout) stays so for the rest of the layer: whatever lands in it now is
// this layer's. So it is remembered (by device and inode) and a repeated
// marker costs one fstat, not another pass over a directory that may hold
// 200k entries of this layer (quadratic otherwise).
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "oci/unpack/inode_key.h"
#include "oci/unpack/root_dir.h"

namespace oci::unpack {

class LayerChanges {
 public:
  // Forgets the previous layer's paths.
  void start_layer() {
    paths_.clear();
    purged_.clear();
  }

  // `clean_path` was created (or replaced) by this layer. Returns the bytes
  // of names newly stored (it and its ancestors), for the caller's memory
  // limit.
  std::size_t record(std::string_view clean_path);

  // Removes from `name` in `dir_fd` (whose path is `clean_path`) what lower
  // layers put there. 0, or the errno of the failing step; missing is 0.
  int remove_lower(RootDir& root, int dir_fd, const char* name, std::string_view clean_path);

  // Makes the directory `dir_fd` (path `clean_path`, "" for the root) opaque:
  // every child from lower layers is removed.
  int make_opaque(RootDir& root, int dir_fd, std::string_view clean_path);

  // Names read from directories by make_opaque and remove_lower, all layers.
  std::uint64_t names_scanned() const { return names_scanned_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // path -> true if this layer created it, false if it only holds paths that
  // this layer created.
  std::unordered_map<std::string, bool, Hash, std::equal_to<>> paths_;
  // Directories already emptied of lower layers' entries in this layer.
  std::unordered_set<InodeKey, InodeKeyHash> purged_;
  std::uint64_t names_scanned_ = 0;
};

}  // namespace oci::unpack
