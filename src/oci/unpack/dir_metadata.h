// oci/unpack/dir_metadata.h: directory metadata applied at commit, not when
// the directory entry is read (internal to src/oci/unpack).
//
// Writing a child changes its directory's mtime, and a read-only directory
// (0555) could not take children when unprivileged, so directories are
// created with owner rwx and their final mode and times are set once
// everything is written.
//
// Records are keyed by the directory's device and inode, not by the entry's
// name: names go through symlinks (`lib/x` and `usr/lib/x` may be one
// directory, and `x/b` may be another directory once `x` became a symlink),
// while the inode is the directory itself. A later entry for the same
// directory replaces the record (the newer metadata wins, as for any other
// entry), and a removed directory's record is dropped (forget()), so a new
// directory that reuses the inode number starts afresh.
//
// apply() walks the real tree and sets each directory's metadata after
// everything below it (tree_walk.h): the real depth, whatever the names
// said, and a parent whose final mode lacks search permission (0600, 0444)
// is set only once its children are done, so an unprivileged caller reaches
// them all. The root is last: it stays 0700 during the unpack (nobody else
// may reach the tree half made) and gets its entry's mode at commit, or
// tar's 0755 when the image has no "./" entry.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "core/error.h"
#include "oci/unpack/inode_key.h"

namespace oci::unpack {

class DeferredDirs {
 public:
  // `st`: the directory's fstat. times: [0] atime, [1] mtime.
  void record(const struct stat& st, mode_t mode, const struct timespec times[2]);
  // The directory `st` was removed.
  void forget(const struct stat& st);

  std::size_t size() const { return dirs_.size(); }

  // Applies every record to the tree below `root_fd` (a directory), deepest
  // first, the root itself last.
  core::Status apply(int root_fd);

 private:
  struct Dir {
    mode_t mode;
    struct timespec times[2];
  };
  friend class DirApplier;
  std::unordered_map<InodeKey, Dir, InodeKeyHash> dirs_;
};

}  // namespace oci::unpack
