// layerfs/snapshot.h: what a snapshot is (containerd's model).
//
// A snapshot is a filesystem tree identified by a key the caller chooses. It
// is one of
//   active     writable: a container's root filesystem, or a layer being
//              unpacked. prepare() makes one on top of a committed parent.
//   committed  read-only and immutable: an unpacked layer (named by its
//              ChainID). commit() turns an active snapshot into one.
//   view       a read-only look at a committed snapshot (view()).
// Only committed snapshots can be parents. A snapshot with children cannot be
// removed. Callers use a snapshot through mounts(): the mounts that make its
// tree appear at a directory of their choosing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace layerfs {

enum class Kind { kActive, kCommitted, kView };

// "active", "committed", "view".
std::string_view kind_name(Kind kind);

struct Info {
  std::string key;  // the caller's name for it
  Kind kind = Kind::kActive;
  std::string parent;  // the committed snapshot below it; empty for none
  std::map<std::string, std::string> labels;
  std::int64_t created = 0;  // Unix seconds
  std::int64_t updated = 0;
};

struct Usage {
  std::uint64_t bytes = 0;   // disk blocks in use, in bytes (hard links once)
  std::uint64_t inodes = 0;  // files, directories, links, ...
};

// One mount(2): what mount_all (mount.h) does with it, and what
// `lxcri snapshot mounts` prints (in the style of containerd's mounts).
struct Mount {
  std::string type;                  // "overlay", "bind"
  std::string source;                // a directory for bind; "overlay" for overlay
  std::vector<std::string> options;  // "ro", "rbind", "lowerdir=...", ...
};

// The one mount that shows directory `dir` as it is: a recursive bind,
// read-only when `read_only`.
inline std::vector<Mount> bind_mount(const std::string& dir, bool read_only) {
  return {Mount{"bind", dir, {"rbind", read_only ? "ro" : "rw"}}};
}

}  // namespace layerfs
