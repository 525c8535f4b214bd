// oci/store/file_lock.h: an flock(2) lock on a file, held for the life of the
// object.
//
// The store's locks must work between processes (two `lxcri pull`s, a pull
// and a `gc`) and between threads of one process. flock locks belong to an
// open file description, so each holder opens the lock file itself: two
// FileLocks in one process then exclude each other exactly as two processes
// do. A lock is released when the object goes (or the process dies, so a
// crashed importer never leaves the store locked).
#pragma once

#include <filesystem>

#include "core/error.h"
#include "oci/store/posix_file.h"

namespace oci::store {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Opens (creating it if needed) `path` and blocks until the lock is held.
  static core::Result<FileLock> acquire(const std::filesystem::path& path, Mode mode);

  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) noexcept = default;

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace oci::store
