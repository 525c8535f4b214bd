#include "oci/unpack/dir_metadata.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "oci/unpack/tree_walk.h"

namespace oci::unpack {

void DeferredDirs::record(const struct stat& st, mode_t mode, const struct timespec times[2]) {
  dirs_[InodeKey::of(st)] = Dir{mode, {times[0], times[1]}};
}

void DeferredDirs::forget(const struct stat& st) {
  dirs_.erase(InodeKey::of(st));
}

// Sets each recorded directory's metadata when the walk leaves it.
class DirApplier final : public TreeVisitor {
 public:
  explicit DirApplier(DeferredDirs& dirs) : dirs_(dirs) {}

  int on_entry(int dir_fd, const char* name, unsigned char type) override {
    if (type == DT_UNKNOWN) {  // some filesystems do not fill d_type
      struct stat st;
      if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
      return S_ISDIR(st.st_mode) ? 1 : 0;
    }
    return type == DT_DIR ? 1 : 0;
  }

  int leave(int parent_fd, const char*, int fd, const struct stat& st) override {
    auto it = dirs_.dirs_.find(InodeKey::of(st));
    if (it == dirs_.dirs_.end()) {
      // An implied directory keeps its 0755 and times; the root (the top,
      // without a "./" entry) leaves its 0700 for tar's 0755.
      return parent_fd < 0 && ::fchmod(fd, 0755) != 0 ? errno : 0;
    }
    if (::fchmod(fd, it->second.mode) != 0 || ::futimens(fd, it->second.times) != 0) return errno;
    return 0;
  }

 private:
  DeferredDirs& dirs_;
};

core::Status DeferredDirs::apply(int root_fd) {
  int fd = ::openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return core::Error(core::ErrorCode::kInternal,
                       std::string("directory metadata: open root: ") + std::strerror(errno));
  }
  DirApplier applier(*this);
  if (int err = walk_tree(UniqueFd(fd), applier); err != 0) {
    return core::Error(core::ErrorCode::kInternal,
                       std::string("setting directory modes and times: ") + std::strerror(err));
  }
  dirs_.clear();
  return {};
}

}  // namespace oci::unpack
