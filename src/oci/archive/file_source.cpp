// oci/archive/file_source.cpp: see file_source.h.
#include "oci/archive/file_source.h"

#include <unistd.h>

#include <cerrno>

namespace oci::archive {

FileSource::FileSource(store::UniqueFd fd, std::filesystem::path path)
    : fd_(std::move(fd)), path_(std::move(path)) {}

core::Result<std::size_t> FileSource::read(std::span<char> buffer) {
  for (;;) {
    ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return store::sys_error("read", path_, errno);
  }
}

core::Result<std::string_view> FileSource::next() {
  if (!buffer_) buffer_ = std::make_unique_for_overwrite<char[]>(kReadBytes);
  auto n = read(std::span<char>(buffer_.get(), kReadBytes));
  if (!n) return n.error();
  return std::string_view(buffer_.get(), n.value());
}

}  // namespace oci::archive
