#include "oci/transport/disk_entry.h"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

namespace oci::transport {
namespace {

bool keep_xattr(std::string_view name) {
  if (name.starts_with("system.")) return false;
  if (name.starts_with("security.")) return name == "security.capability";
  return true;
}

// A name for the l*xattr calls that resolves through the open directory, so
// only the last component is looked up again (and, being l*, not followed).
std::string proc_path(int dir_fd, const std::string& name) {
  return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

// Calls `list(buffer, size)`/`get(name, buffer, size)` with growing buffers.
template <class List, class Get>
core::Status copy_xattrs(archive_entry* entry, const std::filesystem::path& path, List list,
                         Get get) {
  std::vector<char> names;
  for (;;) {
    ssize_t n = list(nullptr, 0);
    if (n < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP)) return {};
    if (n < 0) return store::sys_error("listxattr", path, errno);
    names.resize(static_cast<std::size_t>(n));
    n = list(names.data(), names.size());
    if (n < 0 && errno == ERANGE) continue;  // grew in between
    if (n < 0) return store::sys_error("listxattr", path, errno);
    names.resize(static_cast<std::size_t>(n));
    break;
  }
  std::vector<char> value;
  for (std::size_t at = 0; at < names.size();) {
    const std::string name(names.data() + at);
    at += name.size() + 1;
    if (!keep_xattr(name)) continue;
    ssize_t n = get(name.c_str(), nullptr, 0);
    if (n < 0 && errno == ENODATA) continue;  // removed in between
    if (n < 0) return store::sys_error("getxattr " + name, path, errno);
    value.resize(static_cast<std::size_t>(n));
    n = get(name.c_str(), value.data(), value.size());
    if (n < 0) return store::sys_error("getxattr " + name, path, errno);
    archive_entry_xattr_add_entry(entry, name.c_str(), value.data(), static_cast<size_t>(n));
  }
  return {};
}

core::Status add_xattrs(DiskEntry& d, int dir_fd, const std::string& name,
                        const std::filesystem::path& path) {
  if (d.fd.valid()) {
    const int fd = d.fd.get();
    return copy_xattrs(
        d.entry.get(), path, [fd](char* b, size_t n) { return ::flistxattr(fd, b, n); },
        [fd](const char* x, void* b, size_t n) { return ::fgetxattr(fd, x, b, n); });
  }
  const std::string at = proc_path(dir_fd, name);
  return copy_xattrs(
      d.entry.get(), path, [&at](char* b, size_t n) { return ::llistxattr(at.c_str(), b, n); },
      [&at](const char* x, void* b, size_t n) { return ::lgetxattr(at.c_str(), x, b, n); });
}

core::Result<std::string> read_link(int dir_fd, const std::string& name, std::size_t size,
                                    const std::filesystem::path& path) {
  std::string target(size + 1, '\0');
  ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
  if (n < 0) return store::sys_error("readlink", path, errno);
  if (static_cast<std::size_t>(n) != size) return file_changed(path);
  target.resize(static_cast<std::size_t>(n));
  return target;
}

core::Status describe(DiskEntry& d, const std::string& archive_name) {
  d.entry.reset(archive_entry_new());
  if (!d.entry) return core::Error(core::ErrorCode::kInternal, "libarchive: out of memory");
  archive_entry_copy_stat(d.entry.get(), &d.st);
  archive_entry_copy_pathname(d.entry.get(), archive_name.c_str());
  // Reading the tree must not change the layer.
  archive_entry_unset_atime(d.entry.get());
  archive_entry_unset_ctime(d.entry.get());
  archive_entry_unset_birthtime(d.entry.get());
  return {};
}

}  // namespace

core::Error file_changed(const std::filesystem::path& path) {
  return core::Error(core::ErrorCode::kFailedPrecondition,
                     path.string() + ": file changed while reading")
      .with_file(path.string());
}

core::Result<std::optional<DiskEntry>> open_disk_entry(int dir_fd, const std::string& name,
                                                       const std::string& archive_name,
                                                       const std::filesystem::path& path) {
  struct stat lst;
  if (::fstatat(dir_fd, name.c_str(), &lst, AT_SYMLINK_NOFOLLOW) != 0) {
    return store::sys_error("lstat", path, errno);
  }
  if (S_ISSOCK(lst.st_mode)) return std::optional<DiskEntry>();
  DiskEntry d;
  d.st = lst;
  if (S_ISREG(lst.st_mode) || S_ISDIR(lst.st_mode)) {
    // O_NONBLOCK: a FIFO swapped in after fstatat must not block the open.
    const int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
                      (S_ISDIR(lst.st_mode) ? O_DIRECTORY : 0);
    d.fd = store::UniqueFd(::openat(dir_fd, name.c_str(), flags));
    if (!d.fd.valid()) {
      if (errno == ELOOP || errno == ENOTDIR) return file_changed(path);
      return store::sys_error("open", path, errno);
    }
    if (::fstat(d.fd.get(), &d.st) != 0) return store::sys_error("fstat", path, errno);
    if ((d.st.st_mode & S_IFMT) != (lst.st_mode & S_IFMT)) return file_changed(path);
  }
  if (auto s = describe(d, archive_name); !s) return s.error();
  if (S_ISLNK(lst.st_mode)) {
    auto target = read_link(dir_fd, name, static_cast<std::size_t>(lst.st_size), path);
    if (!target) return target.error();
    archive_entry_copy_symlink(d.entry.get(), target.value().c_str());
  }
  if (auto s = add_xattrs(d, dir_fd, name, path); !s) return s.error();
  return std::optional<DiskEntry>(std::move(d));
}

core::Result<DiskEntry> open_root_entry(const std::filesystem::path& root) {
  DiskEntry d;
  d.fd = store::UniqueFd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!d.fd.valid()) {
    if (errno == ENOTDIR) {
      return core::Error(core::ErrorCode::kInvalidArgument, root.string() + ": not a directory")
          .with_file(root.string());
    }
    return store::sys_error("open", root, errno);
  }
  if (::fstat(d.fd.get(), &d.st) != 0) return store::sys_error("fstat", root, errno);
  if (auto s = describe(d, "."); !s) return s.error();
  if (auto s = add_xattrs(d, AT_FDCWD, "", root); !s) return s.error();
  return d;
}

}  // namespace oci::transport
