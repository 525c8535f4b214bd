#include "runtime/state/container_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "oci/store/posix_file.h"
#include "oci/unpack/root_dir.h"

namespace runtime::state {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::size_t kMaxStateFileBytes = 4u << 20;

core::Result<int> lock_dir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT)
      return Error(ErrorCode::kNotFound, "container does not exist").with_file(path);
    return oci::store::sys_error("open container dir", path, err);
  }
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return oci::store::sys_error("lock container dir", path, err);
  }
  // A command that held the lock before us may have deleted the directory.
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_nlink == 0) {
    ::close(fd);
    return Error(ErrorCode::kNotFound, "container does not exist").with_file(path);
  }
  return fd;
}

}  // namespace

core::Status check_container_id(const std::string& id) {
  if (id.empty() || id.size() > 1024 || id == "." || id == "..") {
    return Error(ErrorCode::kInvalidArgument, "invalid container id '" + id + "'");
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '.';
    if (!ok) {
      return Error(ErrorCode::kInvalidArgument,
                   "invalid container id '" + id + "': only letters, digits and _ + - . allowed");
    }
  }
  return {};
}

core::Result<ContainerDir> ContainerDir::create(const std::string& root, const std::string& id) {
  if (auto s = check_container_id(id); !s) return s.error();
  // 0711: a container's mapped root (user namespaces) must be able to pass
  // through to its own directory; nobody else can list the containers.
  if (::mkdir(root.c_str(), 0711) != 0 && errno != EEXIST) {
    if (auto s = oci::store::make_dirs(root); !s) return s.error();
  }
  std::string path = root + "/" + id;
  if (::mkdir(path.c_str(), 0700) != 0) {
    int err = errno;
    if (err == EEXIST) {
      return Error(ErrorCode::kAlreadyExists, "container '" + id + "' already exists")
          .with_file(path);
    }
    return oci::store::sys_error("create container dir", path, err);
  }
  auto fd = lock_dir(path);
  if (!fd) return fd.error();
  return ContainerDir(id, std::move(path), fd.value());
}

core::Result<ContainerDir> ContainerDir::open(const std::string& root, const std::string& id) {
  if (auto s = check_container_id(id); !s) return s.error();
  std::string path = root + "/" + id;
  auto fd = lock_dir(path);
  if (!fd) {
    if (fd.error().code() == ErrorCode::kNotFound) {
      return Error(ErrorCode::kNotFound, "container '" + id + "' does not exist").with_file(path);
    }
    return fd.error();
  }
  return ContainerDir(id, std::move(path), fd.value());
}

ContainerDir::ContainerDir(ContainerDir&& other) noexcept
    : id_(std::move(other.id_)), path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

ContainerDir& ContainerDir::operator=(ContainerDir&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    id_ = std::move(other.id_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

ContainerDir::~ContainerDir() {
  if (fd_ >= 0) ::close(fd_);
}

core::Status ContainerDir::write_file(const std::string& name, const std::string& bytes) const {
  std::string tmp = file("." + name + ".tmp");
  std::string final_path = file(name);
  auto fd = oci::store::open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!fd) return fd.error();
  if (auto s = oci::store::write_all(fd.value().get(), bytes, tmp); !s) return s;
  if (auto s = oci::store::fsync_fd(fd.value().get(), tmp); !s) return s;
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    return oci::store::sys_error("rename", final_path, errno);
  }
  return {};
}

core::Result<std::string> ContainerDir::read_file(const std::string& name) const {
  std::string p = file(name);
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0 && errno == ENOENT) {
    return Error(ErrorCode::kNotFound, "missing " + name).with_file(p);
  }
  auto fd = oci::store::open_file(p, O_RDONLY | O_NOFOLLOW);
  if (!fd) return fd.error();
  auto bytes = oci::store::read_up_to(fd.value().get(), kMaxStateFileBytes, p);
  if (bytes && bytes.value().size() > kMaxStateFileBytes) {
    return Error(ErrorCode::kInvalidArgument, "file larger than 4 MiB").with_file(p);
  }
  return bytes;
}

core::Status ContainerDir::remove() {
  std::string parent = path_.substr(0, path_.rfind('/'));
  std::string name = path_.substr(path_.rfind('/') + 1);
  int parent_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return oci::store::sys_error("open", parent, errno);
  int err = oci::unpack::remove_tree(parent_fd, name.c_str());
  ::close(parent_fd);
  if (err != 0) return oci::store::sys_error("remove container dir", path_, err);
  return {};
}

}  // namespace runtime::state
