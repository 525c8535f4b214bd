#include "oci/transport/blob_copy.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "oci/store/posix_file.h"

namespace oci::transport {

core::Status copy_fd(int fd, store::BlobWriter& writer, const std::filesystem::path& path,
                     std::uint64_t total, std::string_view what, const Progress& progress) {
  std::vector<char> buffer(kCopyChunk);
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return store::sys_error("read", path, errno);
    }
    if (n == 0) return {};
    if (auto s = writer.write(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !s) {
      return s;
    }
    if (progress) progress(writer.bytes_written(), total, what);
  }
}

}  // namespace oci::transport
