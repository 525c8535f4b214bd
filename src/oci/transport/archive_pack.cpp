#include "oci/transport/archive_pack.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "oci/store/posix_file.h"
#include "oci/transport/blob_copy.h"
#include "oci/transport/libarchive_handle.h"

namespace oci::transport {
namespace {

core::Error archive_error(archive* a, const std::filesystem::path& file) {
  return core::Error(core::ErrorCode::kInternal, file.string() + ": " + archive_message(a))
      .with_file(file.string());
}

core::Status write_entry(archive* a, const std::filesystem::path& dir, const std::string& name,
                         bool is_dir, const std::filesystem::path& file) {
  ArchiveEntry entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), is_dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(entry.get(), is_dir ? 0755 : 0644);
  store::UniqueFd fd;
  std::uint64_t size = 0;
  if (!is_dir) {
    auto opened = store::open_regular_at(AT_FDCWD, (dir / name).string(), dir / name, &size);
    if (!opened) return opened.error();
    fd = std::move(opened).value();
  }
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) return archive_error(a, file);
  if (is_dir) return {};
  std::vector<char> buffer(kCopyChunk);
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return store::sys_error("read", dir / name, errno);
    if (n == 0) return {};
    if (archive_write_data(a, buffer.data(), static_cast<size_t>(n)) != n) {
      return archive_error(a, file);
    }
  }
}

}  // namespace

core::Status pack_directory(const std::filesystem::path& dir, const std::filesystem::path& file) {
  std::vector<std::pair<std::string, bool>> entries;  // relative path, is a directory
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    entries.emplace_back(std::filesystem::relative(it->path(), dir).string(),
                         it->is_directory() && !it->is_symlink());
  }
  if (ec) return store::sys_error("list", dir, ec.value());
  std::sort(entries.begin(), entries.end());

  std::filesystem::path temp;
  std::filesystem::path base =
      file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  auto fd = store::create_unique_file(base / ("." + file.filename().string() + ".tmp-"), temp);
  if (!fd) return fd.error();
  auto fail = [&](core::Status status) {
    ::unlink(temp.c_str());
    return status;
  };
  ArchiveWriter a(archive_write_new());
  if (!a) return fail(core::Error(core::ErrorCode::kInternal, "archive_write_new failed"));
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open_fd(a.get(), fd.value().get()) != ARCHIVE_OK) {
    return fail(archive_error(a.get(), temp));
  }
  for (const auto& [name, is_dir] : entries) {
    if (auto s = write_entry(a.get(), dir, name, is_dir, temp); !s) return fail(s);
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return fail(archive_error(a.get(), temp));
  if (auto s = store::fsync_fd(fd.value().get(), temp); !s) return fail(s);
  if (::rename(temp.c_str(), file.c_str()) != 0)
    return fail(store::sys_error("rename", file, errno));
  return store::fsync_dir(base);
}

}  // namespace oci::transport
