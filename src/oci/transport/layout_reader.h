// oci/transport/layout_reader.h: reading an OCI image layout someone else
// wrote (internal to src/oci/transport).
//
// The layout is untrusted input: nothing inside it is followed if it is a
// symlink (blobs/, blobs/<alg>/ and every blob are opened O_NOFOLLOW and
// must be a directory or a regular file), so a link cannot make an import
// read /etc/shadow into the store. The directory itself is what the user
// named and may be reached through a link. Errors name the file relative to
// the layout ("index.json", "blobs/sha256/ab..").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "oci/digest.h"
#include "oci/manifest.h"
#include "oci/store/posix_file.h"

namespace oci::transport {

class LayoutReader {
 public:
  // Opens `dir` and checks oci-layout (imageLayoutVersion "1.0.0").
  static core::Result<LayoutReader> open(const std::filesystem::path& dir);

  // index.json, parsed by the spec model.
  core::Result<Index> index() const;

  // "blobs/<alg>/<encoded>".
  static std::string blob_name(const Digest& digest);
  // A blob for streaming; `size` receives its size. kNotFound when absent.
  core::Result<store::UniqueFd> open_blob(const Digest& digest, std::uint64_t* size) const;
  // A whole document blob, checked against `digest` and `size`.
  core::Result<std::string> read_document(const Digest& digest, std::int64_t size) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  LayoutReader(std::filesystem::path dir, store::UniqueFd fd)
      : dir_(std::move(dir)), fd_(std::move(fd)) {}
  core::Result<std::string> read_small_file(const std::string& name) const;

  std::filesystem::path dir_;
  store::UniqueFd fd_;
};

}  // namespace oci::transport
