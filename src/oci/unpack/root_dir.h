// oci/unpack/root_dir.h: directories inside the rootfs, resolved so that
// nothing can lead outside it (internal to src/oci/unpack).
//
// Every parent directory of an entry is opened with openat2(RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS) relative to the root's descriptor: a symlink planted
// by an earlier entry (`evil -> /`, `evil -> ../../..`) resolves inside the
// root, as it would for a process chrooted there, which is also what real
// images need (`lib -> usr/lib` followed by `lib/x.so`). The final component
// is then created or removed by the caller with *at() calls that never follow
// it.
//
// Missing parents are created one level at a time, holding one descriptor
// (never one per level: a 2000-component name must not need 2000), with mode
// 0755 whatever the umask. Tars are mostly in directory order, so the last
// few resolved directories are cached by their (cleaned, unresolved) path. Removing a directory or
// a symlink can change what any cached path resolves to, so those removals drop the whole cache;
// the dropped descriptors stay open until release_retired(), because the caller may still be using
// one of them.
#pragma once

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/store/posix_file.h"

namespace oci::unpack {

using store::UniqueFd;

class RootDir {
 public:
  explicit RootDir(UniqueFd root) : root_(std::move(root)) {}

  int root_fd() const { return root_.get(); }

  // A descriptor of the directory at `clean_path` ("" is the root), borrowed
  // from the cache: valid until release_retired(). Missing directories are
  // created (0755, like tar) when `create_missing`. Returns -errno on
  // failure (ENOENT, ENOTDIR when a component is not a directory, ...).
  int open_dir(std::string_view clean_path, bool create_missing);

  // Caches `fd`, a directory just opened at `clean_path`, so that its
  // children do not resolve it again.
  void remember(std::string_view clean_path, UniqueFd fd);

  // Removes the entry `name` in `dir_fd` (recursively for a directory,
  // never following symlinks) and drops the cache if it was a directory or
  // a symlink. 0, or the errno of the failing step; a missing entry is 0.
  int remove(int dir_fd, const char* name);

  // Called with each directory remove() takes away, so that what was
  // recorded about it (DeferredDirs) does not go to a later directory that
  // reuses its inode number.
  using DirRemoved = std::function<void(const struct stat&)>;
  void on_dir_removed(DirRemoved hook) { on_dir_removed_ = std::move(hook); }

  // Closes the descriptors dropped from the cache since the last call. Call
  // between entries, when no borrowed descriptor is in use.
  void release_retired() { retired_.clear(); }

 private:
  struct Slot {
    std::string path;
    UniqueFd fd;
    std::uint64_t last_use = 0;
  };
  int resolve(std::string_view clean_path);
  int create_missing(std::string_view clean_path);
  Slot& victim();
  void forget_all();

  UniqueFd root_;
  std::array<Slot, 8> slots_;
  std::uint64_t clock_ = 0;
  std::vector<UniqueFd> retired_;
  std::string scratch_;  // a NUL-terminated copy of the path being resolved
  DirRemoved on_dir_removed_;
};

// openat2(root_fd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) with
// O_CLOEXEC added: a descriptor, or -errno. "" and "." are the root.
int open_in_root(int root_fd, const char* path, int flags);

// Removes `name` in `dir_fd` and, when it is a directory, everything below it,
// without following symlinks (directories without owner rwx get it first, so
// an unprivileged caller can empty them), holding one descriptor at a time
// (tree_walk.h). `removed` (may be empty) sees each directory removed. 0, or
// an errno; missing is 0.
int remove_tree(int dir_fd, const char* name, const RootDir::DirRemoved& removed = {});

}  // namespace oci::unpack
