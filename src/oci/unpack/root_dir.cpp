#include "oci/unpack/root_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "oci/unpack/tree_walk.h"

namespace oci::unpack {
namespace {

// Opens the directory `name` in `dir_fd` for emptying it: without owner rwx
// (0000, 0555 from the image) an unprivileged caller could neither read it
// nor remove its entries, so it gets them first. The O_PATH descriptor needs
// no permission on the directory itself and names it, never a symlink.
int open_for_removal(int dir_fd, const char* name) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES) {
    int path_fd = ::openat(dir_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (path_fd < 0) return -errno;
    UniqueFd owned(path_fd);
    const std::string proc = "/proc/self/fd/" + std::to_string(path_fd);
    if (::chmod(proc.c_str(), S_IRWXU) != 0) return -errno;
    fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) return -errno;
  struct stat st;
  if (::fstat(fd, &st) == 0 && (st.st_mode & S_IRWXU) != S_IRWXU) ::fchmod(fd, S_IRWXU);
  return fd;
}

class Remover final : public TreeVisitor {
 public:
  explicit Remover(const RootDir::DirRemoved& removed) : removed_(removed) {}

  int on_entry(int dir_fd, const char* name, unsigned char) override {
    if (::unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT) return 0;
    return errno == EISDIR ? 1 : -errno;
  }
  int open_child(int dir_fd, const char* name) override { return open_for_removal(dir_fd, name); }
  int leave(int parent_fd, const char* name, int, const struct stat& st) override {
    if (removed_) removed_(st);
    if (parent_fd < 0) return 0;  // the top: remove_tree removes it
    if (::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) return errno;
    return 0;
  }

 private:
  const RootDir::DirRemoved& removed_;
};

}  // namespace

int open_in_root(int root_fd, const char* path, int flags) {
  struct open_how how {};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  if (*path == '\0') path = ".";
  long fd;
  do {
    fd = ::syscall(SYS_openat2, root_fd, path, &how, sizeof how);
  } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
  return fd < 0 ? -errno : static_cast<int>(fd);
}

int remove_tree(int dir_fd, const char* name, const RootDir::DirRemoved& removed) {
  if (::unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT) return 0;
  if (errno != EISDIR) return errno;
  Remover remover(removed);
  int fd = remover.open_child(dir_fd, name);
  if (fd == -ENOENT) return 0;
  if (fd < 0) return -fd;
  if (int err = walk_tree(UniqueFd(fd), remover); err != 0) return err;
  if (::unlinkat(dir_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) return errno;
  return 0;
}

int RootDir::open_dir(std::string_view clean_path, bool create_missing) {
  if (clean_path.empty()) return root_.get();
  ++clock_;
  for (Slot& slot : slots_) {
    if (slot.fd.valid() && slot.path == clean_path) {
      slot.last_use = clock_;
      return slot.fd.get();
    }
  }
  int fd = resolve(clean_path);
  if (fd == -ENOENT && create_missing) fd = this->create_missing(clean_path);
  if (fd < 0) return fd;
  Slot& slot = victim();
  slot.path.assign(clean_path);
  slot.fd = UniqueFd(fd);
  slot.last_use = clock_;
  return fd;
}

int RootDir::create_missing(std::string_view clean_path) {
  // The deepest ancestor that exists (usually the parent), found from the
  // end; the levels below it are then created one by one.
  int base = root_.get();
  UniqueFd owned;
  std::size_t start = 0;  // where the first missing component begins
  for (std::size_t end = clean_path.size();;) {
    const std::size_t slash = clean_path.rfind('/', end - 1);
    if (slash == std::string_view::npos) break;
    int fd = resolve(clean_path.substr(0, slash));
    if (fd >= 0) {
      owned = UniqueFd(fd);
      base = fd;
      start = slash + 1;
      break;
    }
    if (fd != -ENOENT) return fd;
    end = slash;
  }
  while (start < clean_path.size()) {
    std::size_t end = clean_path.find('/', start);
    if (end == std::string_view::npos) end = clean_path.size();
    scratch_.assign(clean_path.substr(start, end - start));
    int fd;
    if (::mkdirat(base, scratch_.c_str(), 0755) == 0) {
      fd = ::openat(base, scratch_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return -errno;
      UniqueFd child(fd);
      // mkdirat's mode is cut by the umask; tar gives implied directories 0755.
      if (::fchmod(fd, 0755) != 0) return -errno;
      owned = std::move(child);
    } else {
      if (errno != EEXIST) return -errno;
      // Resolving said missing, yet something is there: a dangling symlink,
      // which resolves to the error tar gives (ENOENT); not created behind it.
      fd = resolve(clean_path.substr(0, end));
      if (fd < 0) return fd;
      owned = UniqueFd(fd);
    }
    base = owned.get();
    start = end + 1;
  }
  return owned.release();
}

void RootDir::remember(std::string_view clean_path, UniqueFd fd) {
  if (clean_path.empty()) return;
  Slot* slot = nullptr;
  for (Slot& candidate : slots_) {
    if (candidate.fd.valid() && candidate.path == clean_path) slot = &candidate;
  }
  if (slot != nullptr) {
    retired_.push_back(std::move(slot->fd));  // the caller may hold it
  } else {
    slot = &victim();
    slot->path.assign(clean_path);
  }
  slot->fd = std::move(fd);
  slot->last_use = ++clock_;
}

int RootDir::remove(int dir_fd, const char* name) {
  struct stat st;
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? 0 : errno;
  if (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)) forget_all();
  return remove_tree(dir_fd, name, on_dir_removed_);
}

int RootDir::resolve(std::string_view clean_path) {
  scratch_.assign(clean_path);
  return open_in_root(root_.get(), scratch_.c_str(), O_PATH | O_DIRECTORY);
}

RootDir::Slot& RootDir::victim() {
  Slot* oldest = &slots_[0];
  for (Slot& slot : slots_) {
    if (!slot.fd.valid()) return slot;
    if (slot.last_use < oldest->last_use) oldest = &slot;
  }
  // The evicted descriptor may be the one a caller is holding.
  retired_.push_back(std::move(oldest->fd));
  return *oldest;
}

void RootDir::forget_all() {
  for (Slot& slot : slots_) {
    if (slot.fd.valid()) retired_.push_back(std::move(slot.fd));
  }
}

}  // namespace oci::unpack
