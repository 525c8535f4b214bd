// oci/store/store.h: the content store, an OCI image layout on disk that
// several processes may import into, read from and garbage-collect at once.
//
// Reading (blobs, refs) needs no lock: blobs appear only by rename and
// index.json is replaced only by rename, so a reader sees whole files. Adding
// content goes through a StoreLease, which holds store.lock *shared*; gc holds
// it *exclusive*. So an import that writes its blobs and then sets its ref
// under one lease can never have gc delete its not-yet-referenced blobs:
// gc waits for every lease to end, and leases wait for gc. index.json
// rewrites additionally hold index.lock exclusive, so concurrent set_ref and
// remove_ref calls serialise and none is lost.
//
// Deadlock rule: a thread holding a lease must not call gc() (it would wait
// for itself).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/json_reader.h"
#include "oci/store/blob_writer.h"
#include "oci/store/file_lock.h"
#include "oci/store/gc.h"
#include "oci/store/index_file.h"
#include "oci/store/posix_file.h"
#include "oci/store/ref.h"

namespace oci::store {

class StoreLease;
class FileLock;
struct StorePaths;

class Store {
 public:
  // Opens the layout at `root`. A missing or empty directory (lost+found
  // alone counts as empty) becomes a new layout (mkdir -p; oci-layout and
  // index.json written atomically). A directory that has other things but no
  // oci-layout is refused (kFailedPrecondition) before anything is written
  // into it, as is a layout of another version or with a broken
  // oci-layout/index.json, or whose blobs/, blobs/<alg>/ or ingest/ is a
  // symlink or not a directory (the error names that path).
  static core::Result<Store> open(const std::filesystem::path& root);

  const std::filesystem::path& root() const;

  // Takes store.lock shared (blocking while gc runs) for adding content.
  core::Result<StoreLease> lease() const;
  // Takes store.lock exclusive, as gc() does (waiting for every lease to end;
  // new leases wait), for as long as the lock lives: for cleaning what lives
  // beside the store and must not race an import (layerfs/layer_gc.h). Not
  // while this thread holds a lease, nor around a call to gc().
  core::Result<FileLock> exclusive() const;

  // Blobs. Errors: kNotFound for a missing blob, kInternal for I/O,
  // kFailedPrecondition when the name holds a symlink, FIFO, device or
  // anything else that is not a regular file (never followed or opened).
  bool has_blob(const Digest& digest) const;
  core::Result<std::int64_t> blob_size(const Digest& digest) const;
  core::Result<UniqueFd> open_blob(const Digest& digest) const;
  // A whole blob, for documents: refused (kInvalidArgument) above `max_size`;
  // its digest is checked (kFailedPrecondition when the stored bytes do not
  // match their name: a corrupt store; kInvalidArgument "unsupported digest
  // algorithm" when the store cannot hash it).
  core::Result<std::string> read_blob(const Digest& digest,
                                      std::uint64_t max_size = json::kMaxDocumentBytes) const;
  // Re-hashes a blob of any size, streaming. kFailedPrecondition when corrupt.
  core::Status verify_blob(const Digest& digest) const;

  // Refs (see ref.h). resolve: kNotFound for an unknown ref. list_refs gives
  // every entry of index.json that has a ref name, including names other
  // tools wrote that are not `name:tag`.
  core::Result<Descriptor> resolve(const Ref& ref) const;
  core::Result<std::vector<RefEntry>> list_refs() const;
  // kNotFound when the ref does not exist. Needs no lease: removing a root
  // can only make gc keep too much, never too little.
  core::Status remove_ref(const Ref& ref) const;

  // Deletes every blob that no entry of index.json reaches, every ingest
  // file and stale root temp file (under the exclusive lock no writer is
  // alive, so they are left over from crashes). Blocks until all leases end.
  // Entries without a ref name are roots too: they belong to whoever else
  // writes the layout. Deletes nothing when a reachable document cannot be
  // read or scanned (GcReport::not_swept, see gc.h).
  core::Result<GcReport> gc() const;
  // Re-hashes every blob; reports the corrupt ones. Read-only, no lock.
  core::Result<CheckReport> check() const;

 private:
  friend class StoreLease;
  explicit Store(std::shared_ptr<const StorePaths> paths) : paths_(std::move(paths)) {}
  core::Result<IndexFile> load_index() const;
  core::Result<UniqueFd> open_blob_file(const Digest& digest, std::uint64_t* size) const;

  std::shared_ptr<const StorePaths> paths_;
};

// The right to add content: holds store.lock shared while it (or any
// BlobWriter it made) lives. Movable; several leases may exist at once, in
// one process or many.
class StoreLease {
 public:
  // A writer hashing with `algorithm` (kInvalidArgument if unsupported).
  core::Result<BlobWriter> writer(DigestAlgorithm algorithm = DigestAlgorithm::kSha256) const;
  // A small blob in one call, hashed with `algorithm`; returns its digest.
  core::Result<Digest> put_blob(std::string_view bytes,
                                DigestAlgorithm algorithm = DigestAlgorithm::kSha256) const;
  // Points `ref` at `descriptor`, replacing the ref if it exists. The
  // descriptor must name a manifest or index media type; its blob must exist
  // with that size and digest, parse as that kind (a document naming itself
  // is refused), and for an image manifest its config and layers must all be
  // present (an index may name platforms that were not pulled).
  core::Status set_ref(const Ref& ref, const Descriptor& descriptor) const;

  const Store& store() const { return store_; }

 private:
  friend class Store;
  StoreLease(Store store, std::shared_ptr<const FileLock> lock)
      : store_(std::move(store)), lock_(std::move(lock)) {}

  Store store_;
  std::shared_ptr<const FileLock> lock_;
};

}  // namespace oci::store
