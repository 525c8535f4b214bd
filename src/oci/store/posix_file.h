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
core::Status make_dirs(const std::filesystem::path& dir);

// Replaces `path` with `bytes` so that a reader sees the old or the new file,
// never a mix, and a crash leaves one of them: writes `<path>.tmp-<pid>-<n>`,
// fsyncs it, renames it over `path`, fsyncs the directory. The temp file is
// removed when any step fails.
core::Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// "<prefix><pid>-<n>" with n a process-wide counter: unique among the
// processes and threads that write into one directory at a time.
std::string unique_name(std::string_view prefix);

}  // namespace oci::store
