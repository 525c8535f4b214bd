// oci/archive/file_source.h: a ByteSource over an open file descriptor, the
// raw bytes of a blob as they are on disk.
//
// Reads 1 MiB at a time (or into a caller's buffer, see read()), retrying
// EINTR; an I/O error is kInternal naming the file. It owns the descriptor.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

#include "oci/archive/byte_source.h"
#include "oci/store/posix_file.h"

namespace oci::archive {

class FileSource final : public ByteSource {
 public:
  static constexpr std::size_t kReadBytes = 1 << 20;

  // `path` is only for error messages.
  FileSource(store::UniqueFd fd, std::filesystem::path path);

  core::Result<std::string_view> next() override;
  // Reads up to buffer.size() bytes into `buffer`; 0 at the end of the file.
  core::Result<std::size_t> read(std::span<char> buffer);

 private:
  store::UniqueFd fd_;
  std::filesystem::path path_;
  std::unique_ptr<char[]> buffer_;  // next()'s, made on first use
};

}  // namespace oci::archive
