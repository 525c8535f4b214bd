#include "oci/transport/libarchive_handle.h"

#include <sys/stat.h>

#include <cerrno>

#include "oci/store/posix_file.h"

namespace oci::transport {

core::Result<ArchiveReader> open_tar_file(const std::filesystem::path& file) {
  // libarchive reports a missing file and a file it cannot read alike; the
  // caller needs kNotFound for the first.
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) {
    core::Error e = store::sys_error("open", file, errno);
    if (errno == ENOENT) return core::Error(core::ErrorCode::kNotFound, e.message(), e.context());
    return e;
  }
  ArchiveReader a(archive_read_new());
  if (!a) return core::Error(core::ErrorCode::kInternal, "archive_read_new failed");
  // Only filters libarchive implements in-process: "all" would also enable
  // lrzip, grzip, lzop and lz4 through external programs exec'd from PATH.
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), kReadBlock) != ARCHIVE_OK) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       file.filename().string() + ": " + archive_message(a.get()))
        .with_file(file.string());
  }
  return a;
}

}  // namespace oci::transport
