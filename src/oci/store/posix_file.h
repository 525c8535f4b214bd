// oci/store/posix_file.h: the few POSIX file operations the content store is
// built from, with errors as values (internal to src/oci/store).
//
// Every durable step of the store is "write a temp file, fsync it, rename it,
// fsync the directory"; these helpers keep that sequence in one place and turn
// a failing syscall into core::Error kInternal naming the path (in
// context().file) and the errno text, so a full disk or a read-only mount is
// reported with the file it hit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oci::store {

// An owned file descriptor, closed on destruction. Movable, not copyable.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

// kInternal "<what>: <strerror(errno)>" with context().file = path; errno
// is read by the caller and passed in, so nothing in between can clobber it.
core::Error sys_error(std::string_view what, const std::filesystem::path& path, int err);

// open(2) with O_CLOEXEC added.
core::Result<UniqueFd> open_file(const std::filesystem::path& path, int flags, int mode = 0644);
// Writes all of `bytes`, retrying short writes and EINTR.
core::Status write_all(int fd, std::string_view bytes, const std::filesystem::path& path);
// Reads up to `max_bytes` + 1 bytes (so the caller can tell "too big").
core::Result<std::string> read_up_to(int fd, std::uint64_t max_bytes,
                                     const std::filesystem::path& path);
core::Status fsync_fd(int fd, const std::filesystem::path& path);
core::Status fsync_dir(const std::filesystem::path& dir);
// mkdir(2) of one directory; OK when it exists already. `created` (if given)
// says whether this call made it, so the caller knows to fsync the parent.
core::Status make_dir(const std::filesystem::path& dir, bool* created = nullptr);
// make_dir of every missing component, fsyncing each parent it changed.
// Follows symlinks: it is for the store's root, which may be reached through
// links (/var/lib/lxcri -> /srv/lxcri), never for what is inside the store.
core::Status make_dirs(const std::filesystem::path& dir);

// The store never follows a symlink inside itself: a link planted at
// `blobs`, `ingest` or a blob name would otherwise make a root gc unlink, or
// a reader serve, files outside the store. These helpers refuse links
// (kFailedPrecondition naming the path) instead of following them.
//
// mkdir(2) of a directory inside the store; OK when a real directory is
// there already, kFailedPrecondition when a symlink or a non-directory is.
core::Status make_store_dir(const std::filesystem::path& dir, bool* created = nullptr);
// Opens a directory for reading (openat relative to `parent_fd`, AT_FDCWD
// for a path) without following a symlink at its last component.
// kNotFound when missing, kFailedPrecondition for a symlink or non-directory.
core::Result<UniqueFd> open_dir_nofollow(int parent_fd, const std::filesystem::path& name,
                                         const std::filesystem::path& path_for_errors);
// Opens a regular file read-only without following a symlink, blocking, or
// opening anything but a regular file: the entry is lstat-ed first (so a
// device is never opened), opened with O_NOFOLLOW|O_NONBLOCK (a FIFO swapped
// in between cannot block) and fstat-ed. kNotFound when missing,
// kFailedPrecondition for a symlink, FIFO, device, socket or directory.
// `size` (if given) receives the file's size.
core::Result<UniqueFd> open_regular_at(int dir_fd, const std::string& name,
                                       const std::filesystem::path& path_for_errors,
                                       std::uint64_t* size = nullptr);

// A directory entry with its lstat(2) result (symlinks are not followed).
struct DirEntry {
  std::string name;
  unsigned mode = 0;  // st_mode
  std::uint64_t size = 0;
};
// The entries of the open directory `dir_fd` except "." and "..". Entries
// that vanish while being listed are skipped.
core::Result<std::vector<DirEntry>> list_dir(int dir_fd, const std::filesystem::path& path);

// Replaces `path` with `bytes` so that a reader sees the old or the new file,
// never a mix, and a crash leaves one of them: writes `<path>.tmp-<unique>`
// (create_unique_file), fsyncs it, renames it over `path`, fsyncs the
// directory. The temp file is removed when any step fails.
core::Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// "<prefix><pid>-<n>" with n a process-wide counter: unique among the live
// processes and threads that write into one directory at a time.
std::string unique_name(std::string_view prefix);

// Creates a new file (O_WRONLY|O_CREAT|O_EXCL) named `<base><pid>-<n>`. A
// process that crashed may have left that very name behind and its pid may
// since have been reused, so on EEXIST the name gets a random suffix
// (getrandom) and the create is retried, a bounded number of times. `path`
// receives the name used.
core::Result<UniqueFd> create_unique_file(const std::filesystem::path& base,
                                          std::filesystem::path& path);

}  // namespace oci::store
