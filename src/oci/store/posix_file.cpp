#include "oci/store/posix_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace oci::store {
namespace {

core::Error refused(const std::filesystem::path& path, const std::string& what) {
  return core::Error(core::ErrorCode::kFailedPrecondition,
                     what + "; the store does not follow or open such entries inside itself")
      .with_file(path.string());
}

// Why a store entry that must be `wanted` is refused (empty when it is fine).
std::string type_problem(mode_t mode, mode_t wanted) {
  if ((mode & S_IFMT) == wanted) return {};
  if (S_ISLNK(mode)) return "is a symlink";
  if (wanted == S_IFDIR) return "is not a directory";
  if (S_ISDIR(mode)) return "is a directory, not a regular file";
  if (S_ISFIFO(mode)) return "is a FIFO, not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  return "is not a regular file";
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

void UniqueFd::reset() {
  // close(2) errors are not retried: on Linux the descriptor is gone either
  // way, and durability was decided by the fsync before it.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

core::Error sys_error(std::string_view what, const std::filesystem::path& path, int err) {
  return core::Error(core::ErrorCode::kInternal, std::string(what) + ": " + std::strerror(err))
      .with_file(path.string());
}

core::Result<UniqueFd> open_file(const std::filesystem::path& path, int flags, int mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int err = errno;
    core::Error error = sys_error("open", path, err);
    if (err == ENOENT)
      return core::Error(core::ErrorCode::kNotFound, error.message(), error.context());
    return error;
  }
  return UniqueFd(fd);
}

core::Status write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error("write", path, errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

core::Result<std::string> read_up_to(int fd, std::uint64_t max_bytes,
                                     const std::filesystem::path& path) {
  std::string out;
  char buffer[64 * 1024];
  while (out.size() <= max_bytes) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error("read", path, errno);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

core::Status fsync_fd(int fd, const std::filesystem::path& path) {
  if (::fsync(fd) != 0) return sys_error("fsync", path, errno);
  return {};
}

core::Status fsync_dir(const std::filesystem::path& dir) {
  auto fd = open_file(dir, O_RDONLY | O_DIRECTORY);
  if (!fd) return fd.error();
  return fsync_fd(fd.value().get(), dir);
}

core::Status make_dir(const std::filesystem::path& dir, bool* created) {
  if (created) *created = false;
  if (::mkdir(dir.c_str(), 0755) == 0) {
    if (created) *created = true;
    return {};
  }
  int err = errno;
  struct stat st;
  if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
  return sys_error("mkdir", dir, err == EEXIST ? ENOTDIR : err);
}

core::Status make_dirs(const std::filesystem::path& dir) {
  std::filesystem::path current;
  for (const auto& part : dir) {
    std::filesystem::path parent = current.empty() ? std::filesystem::path(".") : current;
    current /= part;
    if (part == "/" || part.empty()) continue;
    bool created = false;
    if (auto s = make_dir(current, &created); !s) return s;
    if (created) {
      if (auto s = fsync_dir(parent); !s) return s;
    }
  }
  return {};
}

core::Status make_store_dir(const std::filesystem::path& dir, bool* created) {
  if (created) *created = false;
  if (::mkdir(dir.c_str(), 0755) == 0) {
    if (created) *created = true;
    return {};
  }
  int err = errno;
  if (err != EEXIST) return sys_error("mkdir", dir, err);
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) return sys_error("lstat", dir, errno);
  std::string problem = type_problem(st.st_mode, S_IFDIR);
  if (!problem.empty()) return refused(dir, "store directory " + problem);
  return {};
}

core::Result<UniqueFd> open_dir_nofollow(int parent_fd, const std::filesystem::path& name,
                                         const std::filesystem::path& path_for_errors) {
  int fd;
  do {
    fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0) return UniqueFd(fd);
  int err = errno;
  if (err == ENOENT) {
    core::Error e = sys_error("open", path_for_errors, err);
    return core::Error(core::ErrorCode::kNotFound, e.message(), e.context());
  }
  if (err == ELOOP || err == ENOTDIR) {
    struct stat st;
    if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      std::string problem = type_problem(st.st_mode, S_IFDIR);
      if (!problem.empty()) return refused(path_for_errors, "store directory " + problem);
    }
  }
  return sys_error("open directory", path_for_errors, err);
}

core::Result<UniqueFd> open_regular_at(int dir_fd, const std::string& name,
                                       const std::filesystem::path& path_for_errors,
                                       std::uint64_t* size) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    int err = errno;
    core::Error e = sys_error("lstat", path_for_errors, err);
    if (err == ENOENT) return core::Error(core::ErrorCode::kNotFound, e.message(), e.context());
    return e;
  }
  std::string problem = type_problem(st.st_mode, S_IFREG);
  if (!problem.empty()) return refused(path_for_errors, "'" + name + "' " + problem);
  int fd;
  do {
    fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP) return refused(path_for_errors, "'" + name + "' is a symlink");
    core::Error e = sys_error("open", path_for_errors, err);
    if (err == ENOENT) return core::Error(core::ErrorCode::kNotFound, e.message(), e.context());
    return e;
  }
  UniqueFd owned(fd);
  // Swapped for something else between the lstat and the open?
  if (::fstat(fd, &st) != 0) return sys_error("fstat", path_for_errors, errno);
  problem = type_problem(st.st_mode, S_IFREG);
  if (!problem.empty()) return refused(path_for_errors, "'" + name + "' " + problem);
  if (size) *size = static_cast<std::uint64_t>(st.st_size);
  return owned;
}

core::Result<std::vector<DirEntry>> list_dir(int dir_fd, const std::filesystem::path& path) {
  // fdopendir takes ownership of its descriptor; give it a duplicate so the
  // caller's stays usable for the *at calls that follow.
  int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return sys_error("dup", path, errno);
  DIR* dir = ::fdopendir(dup_fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(dup_fd);
    return sys_error("read directory", path, err);
  }
  ::rewinddir(dir);
  std::vector<DirEntry> out;
  int err = 0;
  while (true) {
    errno = 0;
    struct dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      err = errno;
      break;
    }
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      err = errno;
      break;
    }
    out.push_back({std::move(name), static_cast<unsigned>(st.st_mode),
                   static_cast<std::uint64_t>(st.st_size)});
  }
  ::closedir(dir);
  if (err != 0) return sys_error("read directory", path, err);
  return out;
}

std::string unique_name(std::string_view prefix) {
  static std::atomic<std::uint64_t> counter{0};
  return std::string(prefix) + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

core::Result<UniqueFd> create_unique_file(const std::filesystem::path& base,
                                          std::filesystem::path& path) {
  constexpr int kAttempts = 8;
  const std::string name = base.filename().string() + unique_name("");
  path = base.parent_path() / name;
  for (int attempt = 1;; ++attempt) {
    int fd;
    do {
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) return UniqueFd(fd);
    int err = errno;
    if (err != EEXIST || attempt == kAttempts) {
      core::Error e = sys_error("create", path, err);
      if (err == ENOENT) return core::Error(core::ErrorCode::kNotFound, e.message(), e.context());
      return e;
    }
    std::uint64_t random = 0;
    if (::getrandom(&random, sizeof random, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof random)) {
      // No entropy yet (early boot): time and address still make a new name.
      random = static_cast<std::uint64_t>(::time(nullptr)) * 0x9E3779B97F4A7C15ull ^
               reinterpret_cast<std::uintptr_t>(&random) ^ static_cast<std::uint64_t>(attempt);
    }
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random));
    path = base.parent_path() / (name + "-" + suffix);
  }
}

core::Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::path temp;
  std::filesystem::path base = path;
  base += ".tmp-";
  auto fd = create_unique_file(base, temp);
  if (!fd) return fd.error();
  auto fail = [&](core::Status status) {
    ::unlink(temp.c_str());
    return status;
  };
  if (auto s = write_all(fd.value().get(), bytes, temp); !s) return fail(s);
  if (auto s = fsync_fd(fd.value().get(), temp); !s) return fail(s);
  fd.value().reset();
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail(sys_error("rename", path, errno));
  std::filesystem::path dir = path.parent_path();
  return fsync_dir(dir.empty() ? std::filesystem::path(".") : dir);
}

}  // namespace oci::store
