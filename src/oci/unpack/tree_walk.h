// oci/unpack/tree_walk.h: a depth-first walk over a directory tree that holds
// one directory descriptor at a time, however deep the tree (internal to
// src/oci/unpack).
//
// A hostile image can build a tree thousands of levels deep (through
// symlinked parents), so a walk that keeps a descriptor per level runs out of
// descriptors (EMFILE) half way, both when a whiteout removes the tree and
// when a failed unpack's temp dir is cleaned up. This walk keeps only the
// names still to visit; it goes back up with openat(fd, "..") and checks
// that ".." is the directory it came from (device and inode), which holds
// because nothing else can reach the temp root (0700) while we unpack.
#pragma once

#include <sys/stat.h>

#include "oci/store/posix_file.h"

namespace oci::unpack {

using store::UniqueFd;

class TreeVisitor {
 public:
  virtual ~TreeVisitor() = default;
  // The entry `name` (d_type `type`, may be DT_UNKNOWN) of the directory
  // `dir_fd`: 1 to descend into it (a directory), 0 to go on, or -errno.
  virtual int on_entry(int dir_fd, const char* name, unsigned char type) = 0;
  // Opens the child directory `name` of `dir_fd` for reading: a descriptor
  // or -errno (-ENOENT skips it).
  virtual int open_child(int dir_fd, const char* name);
  // Every entry below `fd` was visited. `parent_fd` and `name` locate it
  // (-1 and nullptr for the top directory). 0 or an errno.
  virtual int leave(int parent_fd, const char* name, int fd, const struct stat& st) = 0;
};

// Walks the tree below `top` (an O_RDONLY directory descriptor). 0, or the
// first errno (a visitor's, or the walk's own: ESTALE when ".." is not the
// directory the walk came from).
int walk_tree(UniqueFd top, TreeVisitor& visitor);

}  // namespace oci::unpack
