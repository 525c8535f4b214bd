// oci/unpack/inode_key.h: a directory named by what it is, (device, inode),
// not by the path that reached it (internal to src/oci/unpack).
//
// Paths lie during an unpack: a whiteout removes a directory and a later
// entry makes another at the same name, and a symlink gives one directory
// two names. The records that must follow the directory itself (deferred
// metadata, directories already emptied by an opaque marker) are keyed by
// this instead.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace oci::unpack {

struct InodeKey {
  dev_t dev;
  ino_t ino;

  static InodeKey of(const struct stat& st) { return InodeKey{st.st_dev, st.st_ino}; }
  bool operator==(const InodeKey&) const = default;
};

struct InodeKeyHash {
  std::size_t operator()(const InodeKey& k) const {
    return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(k.ino) * 0x9e3779b97f4a7c15ull ^
                                      static_cast<std::uint64_t>(k.dev));
  }
};

}  // namespace oci::unpack
