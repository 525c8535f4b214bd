#include "oci/store/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace oci::store {

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

std::string unique_name(std::string_view prefix) {
  static std::atomic<std::uint64_t> counter{0};
  return std::string(prefix) + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

core::Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::path temp = path;
  temp += "." + unique_name("tmp-");
  auto fd = open_file(temp, O_WRONLY | O_CREAT | O_EXCL);
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
