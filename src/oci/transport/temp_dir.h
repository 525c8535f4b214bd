// oci/transport/temp_dir.h: a private directory removed on destruction
// (internal to src/oci/transport), where an oci-archive is unpacked before
// it is read as a layout and where an oci-archive export is assembled.
#pragma once

#include <filesystem>

#include "core/error.h"

namespace oci::transport {

class TempDir {
 public:
  // mkdtemp under $TMPDIR (or /tmp), mode 0700.
  static core::Result<TempDir> create();
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace oci::transport
