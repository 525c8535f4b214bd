#include "runtime/lxc/mount_target.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "oci/store/posix_file.h"
#include "oci/unpack/root_dir.h"

namespace runtime::lxc {
namespace {

using core::Error;
using core::ErrorCode;
using oci::store::UniqueFd;

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i && path.compare(i, j - i, ".") != 0) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

core::Error failure(const std::string& what, const std::string& destination, int err) {
  return Error(ErrorCode::kFailedPrecondition,
               "cannot make mount point " + destination + ": " + what + ": " + std::strerror(err));
}

}  // namespace

core::Result<std::string> prepare_mount_target(const std::string& rootfs,
                                               const std::string& destination, bool file) {
  char real_root[PATH_MAX];
  if (::realpath(rootfs.c_str(), real_root) == nullptr)
    return failure("rootfs", destination, errno);
  UniqueFd root(::open(real_root, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return failure("rootfs", destination, errno);

  // Walk the path; a missing component is created, a dangling symlink is
  // followed by rewriting the path (its target taken inside the root).
  std::string path = destination;
  std::string prefix;
  int links = 0;
  for (bool restart = true; restart;) {
    restart = false;
    std::vector<std::string> parts = components(path);
    prefix.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      std::string parent = prefix.empty() ? "." : prefix;
      std::string next = prefix + (prefix.empty() ? "" : "/") + parts[i];
      int fd = oci::unpack::open_in_root(root.get(), next.c_str(), O_PATH);
      if (fd >= 0) {
        ::close(fd);
        prefix = next;
        continue;
      }
      if (fd != -ENOENT) return failure(next, destination, -fd);
      UniqueFd dir(oci::unpack::open_in_root(root.get(), parent.c_str(), O_PATH | O_DIRECTORY));
      if (!dir.valid()) return failure(parent, destination, ENOTDIR);
      struct stat st;
      if (::fstatat(dir.get(), parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode)) {
        if (++links > 40) return failure(next, destination, ELOOP);
        char target[PATH_MAX];
        ssize_t n = ::readlinkat(dir.get(), parts[i].c_str(), target, sizeof target - 1);
        if (n < 0) return failure(next, destination, errno);
        std::string link(target, static_cast<std::size_t>(n));
        std::string rest;
        for (std::size_t k = i + 1; k < parts.size(); ++k)
          rest += "/" + parts[k];
        path = (link.starts_with('/') ? link : prefix + "/" + link) + rest;
        restart = true;
        break;
      }
      bool last = i + 1 == parts.size();
      if (last && file) {
        int created = ::openat(dir.get(), parts[i].c_str(),
                               O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (created < 0 && errno != EEXIST) return failure(next, destination, errno);
        if (created >= 0) ::close(created);
      } else if (::mkdirat(dir.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
        return failure(next, destination, errno);
      }
      prefix = next;
    }
  }
  if (prefix.empty()) prefix = ".";
  UniqueFd target(oci::unpack::open_in_root(root.get(), prefix.c_str(), O_PATH));
  if (!target.valid()) return failure(prefix, destination, ENOENT);
  char resolved[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(target.get());
  ssize_t n = ::readlink(link.c_str(), resolved, sizeof resolved - 1);
  if (n < 0) return failure("readlink", destination, errno);
  std::string real(resolved, static_cast<std::size_t>(n));
  std::string base(real_root);
  if (real == base) {
    return Error(ErrorCode::kInvalidArgument,
                 "mount point " + destination + " is the container's root");
  }
  if (!real.starts_with(base + "/")) {
    return Error(ErrorCode::kInternal,
                 "mount point " + destination + " resolved outside the root: " + real);
  }
  return real.substr(base.size() + 1);
}

}  // namespace runtime::lxc
