#include "oci/store/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace oci::store {

core::Result<FileLock> FileLock::acquire(const std::filesystem::path& path, Mode mode) {
  // O_NOFOLLOW: a lock file planted as a symlink must not make a root
  // process open (or create) a file elsewhere.
  auto fd = open_file(path, O_RDWR | O_CREAT | O_NOFOLLOW);
  if (!fd) return fd.error();
  int operation = mode == Mode::kShared ? LOCK_SH : LOCK_EX;
  while (::flock(fd.value().get(), operation) != 0) {
    if (errno != EINTR) return sys_error("flock", path, errno);
  }
  return FileLock(std::move(fd).value());
}

}  // namespace oci::store
