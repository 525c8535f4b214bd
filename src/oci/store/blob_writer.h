// oci/store/blob_writer.h: streaming one blob into the store, verified before
// it gets its name.
//
// A blob is named by its digest, so a file under blobs/ must never hold
// anything but exactly those bytes, even after a crash. The writer streams
// into ingest/<pid>-<n>[-<random>] (create_unique_file), hashing as it writes; commit()
// checks the size, then the digest, fsyncs, renames the file into
// blobs/<alg>/<encoded> and fsyncs the directory. If that blob exists already
// the temp file is dropped: equal digests are equal bytes. A writer that is
// destroyed, or whose commit fails, removes its temp file.
//
// A writer keeps its StoreLease's shared lock alive until it is committed
// (successfully or not) or destroyed, so gc never runs while a blob is half
// written; a committed writer no longer holds it, so a thread that keeps the
// object around may still call gc() once its leases are gone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "oci/digest.h"
#include "oci/store/posix_file.h"

namespace oci::store {

class FileLock;
struct StorePaths;

class BlobWriter {
 public:
  BlobWriter(BlobWriter&&) noexcept;
  BlobWriter& operator=(BlobWriter&&) noexcept;
  ~BlobWriter();

  // Appends bytes. After a failed write the writer is broken: later writes
  // and commit fail with kFailedPrecondition.
  core::Status write(std::string_view bytes);
  std::uint64_t bytes_written() const;

  // Verifies and publishes the blob (see above). kInvalidArgument naming the
  // expected and actual values for a size or digest mismatch (context().field
  // "size" or "digest"), and then nothing is under the digest and the temp
  // file is gone. A writer commits at most once.
  core::Status commit(const Digest& expected, std::int64_t expected_size);

  // Publishes the blob under the digest computed while streaming, for
  // content whose digest nobody gave us (a layer just built, a layer tar
  // read from a docker archive). Same fsync/rename guarantees as commit();
  // returns that digest.
  core::Result<Digest> commit_computed();

 private:
  friend class StoreLease;
  BlobWriter(std::shared_ptr<const StorePaths> paths, std::shared_ptr<const FileLock> lease,
             UniqueFd fd, std::filesystem::path temp, Hasher hasher);
  void discard();  // closes and removes the temp file
  // The common tail of both commits: fsync, rename into blobs/, fsync dir.
  core::Status publish(const Digest& digest);

  std::shared_ptr<const StorePaths> paths_;
  std::shared_ptr<const FileLock> lease_;
  UniqueFd fd_;
  std::filesystem::path temp_;  // empty once committed or discarded
  Hasher hasher_;
  bool broken_ = false;
};

}  // namespace oci::store
