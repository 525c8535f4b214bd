#include "oci/store/blob_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "oci/store/file_lock.h"
#include "oci/store/store_paths.h"

namespace oci::store {
namespace {

core::Error mismatch(const Digest& expected, const char* field, std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "blob " + expected.str() + ": " + std::move(message))
      .with_field(field);
}

core::Error failed_precondition(std::string message) {
  return core::Error(core::ErrorCode::kFailedPrecondition, std::move(message));
}

}  // namespace

BlobWriter::BlobWriter(std::shared_ptr<const StorePaths> paths,
                       std::shared_ptr<const FileLock> lease, UniqueFd fd,
                       std::filesystem::path temp, Hasher hasher)
    : paths_(std::move(paths)),
      lease_(std::move(lease)),
      fd_(std::move(fd)),
      temp_(std::move(temp)),
      hasher_(std::move(hasher)) {}

// Written out because the moved-from writer's destructor must not find the
// temp path (std::filesystem::path's moved-from state is unspecified).
BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : paths_(std::move(other.paths_)),
      lease_(std::move(other.lease_)),
      fd_(std::move(other.fd_)),
      temp_(std::exchange(other.temp_, {})),
      hasher_(std::move(other.hasher_)),
      broken_(other.broken_) {}

BlobWriter& BlobWriter::operator=(BlobWriter&& other) noexcept {
  if (this != &other) {
    discard();
    paths_ = std::move(other.paths_);
    lease_ = std::move(other.lease_);
    fd_ = std::move(other.fd_);
    temp_ = std::exchange(other.temp_, {});
    hasher_ = std::move(other.hasher_);
    broken_ = other.broken_;
  }
  return *this;
}

BlobWriter::~BlobWriter() {
  discard();
}

void BlobWriter::discard() {
  fd_.reset();
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
  lease_.reset();  // after the unlink: gc must not see a half-removed temp file
}

std::uint64_t BlobWriter::bytes_written() const {
  return hasher_.bytes_hashed();
}

core::Status BlobWriter::write(std::string_view bytes) {
  if (temp_.empty()) return failed_precondition("blob writer already committed");
  if (broken_) return failed_precondition("blob writer failed earlier");
  if (auto s = write_all(fd_.get(), bytes, temp_); !s) {
    broken_ = true;
    return s;
  }
  hasher_.update(bytes);
  return {};
}

core::Status BlobWriter::commit(const Digest& expected, std::int64_t expected_size) {
  if (temp_.empty()) return failed_precondition("blob writer already committed");
  if (broken_) {
    discard();
    return failed_precondition("blob writer failed earlier");
  }
  if (!expected.supported()) {
    discard();
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "unsupported digest algorithm '" + std::string(expected.algorithm()) + "'")
        .with_field("digest");
  }
  std::uint64_t size = hasher_.bytes_hashed();
  if (expected_size < 0 || size != static_cast<std::uint64_t>(expected_size)) {
    discard();
    return mismatch(expected, "size",
                    "size mismatch: expected " + std::to_string(expected_size) + " bytes, got " +
                        std::to_string(size));
  }
  Digest actual = hasher_.finish();
  if (actual.algorithm_id() != expected.algorithm_id()) {
    discard();
    return mismatch(expected, "digest",
                    "the writer hashes " + std::string(actual.algorithm()) + ", not " +
                        std::string(expected.algorithm()));
  }
  if (actual != expected) {
    discard();
    return mismatch(expected, "digest",
                    "digest mismatch: expected " + expected.str() + ", computed " + actual.str());
  }
  return publish(expected);
}

core::Result<Digest> BlobWriter::commit_computed() {
  if (temp_.empty()) return failed_precondition("blob writer already committed");
  if (broken_) {
    discard();
    return failed_precondition("blob writer failed earlier");
  }
  Digest digest = hasher_.finish();
  if (auto s = publish(digest); !s) return s.error();
  return digest;
}

core::Status BlobWriter::publish(const Digest& expected) {
  if (auto s = fsync_fd(fd_.get(), temp_); !s) {
    discard();
    return s;
  }
  fd_.reset();
  std::filesystem::path target = paths_->blob_path(expected);
  struct stat st;
  // Content addressing: a regular file under the name holds the same bytes.
  // Anything else there (a planted symlink, a FIFO) is replaced by the rename
  // below, which swaps the name and never touches a link's target.
  if (::lstat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    discard();
    return {};
  }
  // The parent is fsynced even when blobs/<alg> existed: the writer that
  // made it may not have fsynced yet, and our blob must not outlive a crash
  // that loses its directory.
  if (auto s = make_store_dir(paths_->blob_dir(expected)); !s) {
    discard();
    return s;
  }
  if (auto s = fsync_dir(paths_->blobs_dir()); !s) {
    discard();
    return s;
  }
  // A racing writer of the same digest may rename first; replacing its file
  // with identical bytes is harmless and rename keeps the name never empty.
  if (::rename(temp_.c_str(), target.c_str()) != 0) {
    int err = errno;
    discard();
    return sys_error("rename into blobs/", target, err);
  }
  temp_.clear();
  core::Status synced = fsync_dir(paths_->blob_dir(expected));
  lease_.reset();  // published: gc may run now
  return synced;
}

}  // namespace oci::store
