#include "oci/unpack/entry_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace oci::unpack {
namespace {

constexpr std::size_t kBufferSize = 1 << 20;
constexpr std::string_view kOverlayPrefix = "trusted.overlay.";

core::Error os_error(std::string_view what, int err) {
  return core::Error(core::ErrorCode::kInternal, std::string(what) + ": " + std::strerror(err));
}

void entry_times(archive_entry* entry, struct timespec times[2]) {
  times[1] = {archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)};
  times[0] = archive_entry_atime_is_set(entry)
                 ? timespec{archive_entry_atime(entry), archive_entry_atime_nsec(entry)}
                 : times[1];
}

mode_t entry_mode(archive_entry* entry) {
  return archive_entry_perm(entry) & 07777;
}

// "/proc/self/fd/<dir>/<name>": the only way to set an xattr on a symlink or
// a device node relative to a directory descriptor without following the
// node itself (the magic link is the directory, not the final component).
std::string proc_path(int dir_fd, const char* name) {
  return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

int pwrite_all(int fd, const char* data, std::size_t size, std::int64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
  return 0;
}

}  // namespace

EntryWriter::EntryWriter(RootDir& root, DeferredDirs& dirs, bool privileged)
    : root_(root), dirs_(dirs), privileged_(privileged), buffer_(new char[kBufferSize]) {}

// Runs `create` (returning a descriptor or 0, or -errno); when something is
// already at the name, removes it and tries once more.
template <class Create>
int EntryWriter::create_replacing(const EntryTarget& at, Create create) {
  int rc = create();
  if (rc != -EEXIST) return rc;
  if (int err = root_.remove(at.dir_fd, at.name); err != 0) return -err;
  return create();
}

core::Status EntryWriter::set_owner_and_mode(int fd, archive_entry* entry, mode_t mode) {
  if (privileged_ && ::fchown(fd, static_cast<uid_t>(archive_entry_uid(entry)),
                              static_cast<gid_t>(archive_entry_gid(entry))) != 0) {
    return os_error("chown", errno);
  }
  if (::fchmod(fd, mode) != 0) return os_error("chmod", errno);
  return {};
}

void EntryWriter::set_xattrs(int fd, const EntryTarget* at, archive_entry* entry,
                             const WarningSink& warn) {
  if (archive_entry_xattr_reset(entry) == 0) return;
  const std::string path = at == nullptr ? std::string() : proc_path(at->dir_fd, at->name);
  const char* name;
  const void* value;
  std::size_t size;
  std::vector<const char*> done;  // libarchive's own tars hold each xattr twice
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    if (std::any_of(done.begin(), done.end(),
                    [&](const char* seen) { return std::strcmp(seen, name) == 0; })) {
      continue;
    }
    done.push_back(name);
    if (std::string_view(name).starts_with(kOverlayPrefix)) {
      // overlayfs reads these from its layers (opaque dirs, redirects,
      // metacopy): the rootfs may become a lower layer, so an image must not
      // choose them.
      if (warn) warn(std::string("xattr \"") + name + "\" not set: reserved for overlayfs");
      continue;
    }
    int rc = at == nullptr ? ::fsetxattr(fd, name, value, size, 0)
                           : ::lsetxattr(path.c_str(), name, value, size, 0);
    if (rc != 0 && warn) {
      warn(std::string("xattr \"") + name + "\" not set: " + std::strerror(errno));
    }
  }
}

core::Status EntryWriter::write_data(int fd, archive_entry* entry, TarStream& tar,
                                     std::uint64_t& written) {
  std::int64_t buffer_offset = 0;  // file offset of buffer_[0]
  std::size_t used = 0;
  auto flush = [&]() -> int {
    int err = pwrite_all(fd, buffer_.get(), used, buffer_offset);
    buffer_offset += static_cast<std::int64_t>(used);
    used = 0;
    return err;
  };
  const std::int64_t declared = std::max<std::int64_t>(archive_entry_size(entry), 0);
  std::int64_t entry_bytes = 0;
  const void* data = nullptr;
  std::size_t size = 0;
  std::int64_t offset = 0;
  while (true) {
    auto more = tar.read_block(data, size, offset);
    if (!more) return more.error();
    if (!more.value()) break;
    // The limits were checked against the declared size, but a sparse map
    // (old GNU, pax) places blocks where it likes and libarchive does not
    // hold them to that size: a block past it, or more data than it in all
    // (overlapping blocks), would write what no limit counted.
    const auto block = static_cast<std::int64_t>(std::min<std::size_t>(size, INT64_MAX));
    if (offset < 0 || block > declared || offset > declared - block ||
        entry_bytes > declared - block) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "sparse data beyond the declared size of " + std::to_string(declared) +
                             " bytes (" + std::to_string(size) + " bytes at offset " +
                             std::to_string(offset) + ")");
    }
    entry_bytes += block;
    written += size;
    const char* bytes = static_cast<const char*>(data);
    if (offset != buffer_offset + static_cast<std::int64_t>(used)) {  // a hole
      if (int err = flush(); err != 0) return os_error("write", err);
      buffer_offset = offset;
    }
    // Written as is, without a copy, when large or when it is the whole
    // (rest of the) file: with large source chunks most files are one block.
    const bool last = offset + static_cast<std::int64_t>(size) == declared;
    if (used == 0 && (size >= kBufferSize / 2 || last)) {
      if (int err = pwrite_all(fd, bytes, size, offset); err != 0) return os_error("write", err);
      buffer_offset = offset + static_cast<std::int64_t>(size);
      continue;
    }
    while (size > 0) {
      std::size_t n = std::min(size, kBufferSize - used);
      std::memcpy(buffer_.get() + used, bytes, n);
      used += n;
      bytes += n;
      size -= n;
      if (used == kBufferSize) {
        if (int err = flush(); err != 0) return os_error("write", err);
      }
    }
  }
  if (int err = flush(); err != 0) return os_error("write", err);
  // A sparse file may end in a hole: its size is the declared one.
  if (declared > buffer_offset && ::ftruncate(fd, declared) != 0) {
    return os_error("truncate", errno);
  }
  return {};
}

core::Status EntryWriter::write_file(const EntryTarget& at, archive_entry* entry, TarStream& tar,
                                     std::uint64_t& bytes_written, const WarningSink& warn) {
  int fd = create_replacing(at, [&] {
    int fd =
        ::openat(at.dir_fd, at.name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    return fd < 0 ? -errno : fd;
  });
  if (fd < 0) return os_error("create file", -fd);
  UniqueFd file(fd);
  if (auto s = write_data(fd, entry, tar, bytes_written); !s) return s;
  if (auto s = set_owner_and_mode(fd, entry, entry_mode(entry)); !s) return s;
  set_xattrs(fd, nullptr, entry, warn);
  struct timespec times[2];
  entry_times(entry, times);
  if (::futimens(fd, times) != 0) return os_error("set times", errno);
  return {};
}

core::Status EntryWriter::make_dir(const EntryTarget& at, archive_entry* entry,
                                   const WarningSink& warn) {
  if (::mkdirat(at.dir_fd, at.name, S_IRWXU) != 0) {
    if (errno != EEXIST) return os_error("mkdir", errno);
    struct stat st;
    if (::fstatat(at.dir_fd, at.name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return os_error("lstat", errno);
    }
    if (!S_ISDIR(st.st_mode)) {
      if (int err = root_.remove(at.dir_fd, at.name); err != 0) return os_error("remove", err);
      if (::mkdirat(at.dir_fd, at.name, S_IRWXU) != 0) return os_error("mkdir", errno);
    }
  }
  int fd = ::openat(at.dir_fd, at.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return os_error("open directory", errno);
  UniqueFd dir(fd);
  struct stat st;  // the record's key: the directory itself, not its name
  if (::fstat(fd, &st) != 0) return os_error("stat directory", errno);
  const mode_t mode = entry_mode(entry);
  // Owner rwx until commit, so that children can be written into it.
  if (auto s = set_owner_and_mode(fd, entry, mode | S_IRWXU); !s) return s;
  set_xattrs(fd, nullptr, entry, warn);
  struct timespec times[2];
  entry_times(entry, times);
  dirs_.record(st, mode, times);
  root_.remember(at.clean_path, std::move(dir));
  return {};
}

core::Status EntryWriter::make_symlink(const EntryTarget& at, const char* target,
                                       archive_entry* entry, const WarningSink& warn) {
  int rc = create_replacing(
      at, [&] { return ::symlinkat(target, at.dir_fd, at.name) == 0 ? 0 : -errno; });
  if (rc < 0) return os_error("symlink", -rc);
  if (privileged_ &&
      ::fchownat(at.dir_fd, at.name, static_cast<uid_t>(archive_entry_uid(entry)),
                 static_cast<gid_t>(archive_entry_gid(entry)), AT_SYMLINK_NOFOLLOW) != 0) {
    return os_error("chown", errno);
  }
  set_xattrs(-1, &at, entry, warn);
  struct timespec times[2];
  entry_times(entry, times);
  if (::utimensat(at.dir_fd, at.name, times, AT_SYMLINK_NOFOLLOW) != 0) {
    return os_error("set times", errno);
  }
  return {};
}

core::Status EntryWriter::make_hardlink(const EntryTarget& at, int target_fd) {
  auto link = [&]() -> int {
    if (::linkat(target_fd, "", at.dir_fd, at.name, AT_EMPTY_PATH) == 0) return 0;
    if (errno != ENOENT && errno != EPERM) return -errno;
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the descriptor's proc link
    // does not (it names the same inode, already resolved inside the root).
    char proc[32];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", target_fd);
    return ::linkat(AT_FDCWD, proc, at.dir_fd, at.name, AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
  };
  int rc = link();
  if (rc == -EEXIST) {
    struct stat existing, target;
    if (::fstatat(at.dir_fd, at.name, &existing, AT_SYMLINK_NOFOLLOW) == 0 &&
        ::fstat(target_fd, &target) == 0 && existing.st_dev == target.st_dev &&
        existing.st_ino == target.st_ino) {
      return {};  // a link to itself, or re-linking an existing link
    }
    if (int err = root_.remove(at.dir_fd, at.name); err != 0) return os_error("remove", err);
    rc = link();
  }
  if (rc < 0) return os_error("link", -rc);
  return {};
}

core::Result<bool> EntryWriter::make_node(const EntryTarget& at, archive_entry* entry,
                                          const WarningSink& warn) {
  const mode_t type = archive_entry_filetype(entry);
  if (type != AE_IFIFO && !privileged_) return false;
  const dev_t dev = type == AE_IFIFO ? 0 : archive_entry_rdev(entry);
  int rc = create_replacing(at, [&] {
    return ::mknodat(at.dir_fd, at.name, type | S_IRUSR | S_IWUSR, dev) == 0 ? 0 : -errno;
  });
  if (rc < 0) return os_error("mknod", -rc);
  // There is no fchmod without opening a device or FIFO (which may block or
  // act), and fchmodat follows a symlink at the name: so an O_PATH
  // descriptor of the node, checked to be what mknodat made, and chmod
  // through its /proc link, which names that inode and nothing else.
  int fd = ::openat(at.dir_fd, at.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return os_error("open node", errno);
  UniqueFd node(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return os_error("stat node", errno);
  if ((st.st_mode & S_IFMT) != type || (type != AE_IFIFO && st.st_rdev != dev)) {
    return core::Error(core::ErrorCode::kInternal, "the node was replaced while being created");
  }
  if (privileged_ && ::fchownat(fd, "", static_cast<uid_t>(archive_entry_uid(entry)),
                                static_cast<gid_t>(archive_entry_gid(entry)), AT_EMPTY_PATH) != 0) {
    return os_error("chown", errno);
  }
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::chmod(proc.c_str(), entry_mode(entry)) != 0) return os_error("chmod", errno);
  set_xattrs(-1, &at, entry, warn);
  struct timespec times[2];
  entry_times(entry, times);
  if (::utimensat(at.dir_fd, at.name, times, AT_SYMLINK_NOFOLLOW) != 0) {
    return os_error("set times", errno);
  }
  return true;
}

core::Status EntryWriter::set_root_metadata(archive_entry* entry, const WarningSink& warn) {
  const int fd = root_.root_fd();
  if (privileged_ && ::fchown(fd, static_cast<uid_t>(archive_entry_uid(entry)),
                              static_cast<gid_t>(archive_entry_gid(entry))) != 0) {
    return os_error("chown", errno);
  }
  // The root stays 0700 until commit: no other user may reach the tree
  // (and swap a node for a symlink in a world-writable tmp/) while it is
  // being made. Its own mode is applied with the other directories'.
  set_xattrs(fd, nullptr, entry, warn);
  struct stat st;
  if (::fstat(fd, &st) != 0) return os_error("stat", errno);
  struct timespec times[2];
  entry_times(entry, times);
  dirs_.record(st, entry_mode(entry), times);
  return {};
}

}  // namespace oci::unpack
