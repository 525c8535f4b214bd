// oci/store/store_paths.h: the names of everything in a store directory
// (internal to src/oci/store).
//
// The directory is an OCI image layout (image-spec image-layout.md) that an
// ordinary layout reader can open; the store adds only things such a reader
// ignores: `ingest/` (blobs being written) and two lock files.
//   oci-layout               {"imageLayoutVersion":"1.0.0"}
//   index.json               an OCI image index; its entries are the refs
//   blobs/<alg>/<encoded>    every blob, named by its digest
//   ingest/<pid>-<n>[-<rnd>] temp files of BlobWriters, renamed into blobs/
//   store.lock               shared: adding content; exclusive: gc
//   index.lock               exclusive: rewriting index.json
#pragma once

#include <filesystem>
#include <string>

#include "oci/digest.h"

namespace oci::store {

struct StorePaths {
  std::filesystem::path root;

  std::filesystem::path layout_file() const { return root / "oci-layout"; }
  std::filesystem::path index_file() const { return root / "index.json"; }
  std::filesystem::path blobs_dir() const { return root / "blobs"; }
  std::filesystem::path ingest_dir() const { return root / "ingest"; }
  std::filesystem::path store_lock() const { return root / "store.lock"; }
  std::filesystem::path index_lock() const { return root / "index.lock"; }
  // The digest grammar allows no '/' and no leading '.', so this stays
  // inside blobs/.
  std::filesystem::path blob_dir(const Digest& digest) const {
    return blobs_dir() / std::string(digest.algorithm());
  }
  std::filesystem::path blob_path(const Digest& digest) const {
    return blob_dir(digest) / std::string(digest.encoded());
  }
};

}  // namespace oci::store
