#include "oci/transport/archive_extract.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>

#include <string>
#include <vector>

#include "oci/store/posix_file.h"
#include "oci/transport/archive_paths.h"
#include "oci/transport/errors.h"
#include "oci/transport/libarchive_handle.h"

namespace oci::transport {
namespace {

// An archive may hold at most this many entries (of any kind, skipped ones
// included): each costs a header parse, and a layout has a few per image.
constexpr std::uint64_t kMaxEntries = 1'000'000;

// The names an OCI layout uses: oci-layout, index.json and blobs/<alg>/<enc>
// (and the directories on the way). Anything else is never read by the
// import, so it is not extracted: no deep trees, no stray files.
enum class LayoutName { kFile, kDirectory, kOther };
LayoutName layout_name(const std::vector<std::string>& parts) {
  if (parts.size() == 1 && (parts[0] == "oci-layout" || parts[0] == "index.json")) {
    return LayoutName::kFile;
  }
  if (parts.empty() || parts[0] != "blobs") return LayoutName::kOther;
  if (parts.size() <= 2) return LayoutName::kDirectory;
  return parts.size() == 3 ? LayoutName::kFile : LayoutName::kOther;
}

// Refuses an entry larger than the space left where it would go, before a
// hostile size fills the disk of $TMPDIR.
core::Status check_space(const std::filesystem::path& target, la_int64_t size,
                         const std::string& name) {
  struct statvfs fs;
  if (::statvfs(target.c_str(), &fs) != 0) return store::sys_error("statvfs", target, errno);
  const std::uint64_t available = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (size > 0 && static_cast<std::uint64_t>(size) > available) {
    return invalid_input(name, std::to_string(size) + " bytes, but only " +
                                   std::to_string(available) + " are free in " + target.string());
  }
  return {};
}

core::Status make_parents(const std::filesystem::path& target,
                          const std::vector<std::string>& parts, std::size_t count) {
  std::filesystem::path dir = target;
  for (std::size_t i = 0; i < count; ++i) {
    dir /= parts[i];
    if (auto s = store::make_store_dir(dir); !s) return s;
  }
  return {};
}

core::Status extract_file(archive* a, const std::filesystem::path& path, const std::string& name,
                          const Progress& progress) {
  auto fd = store::open_file(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
  if (!fd) return in_file(name, fd.error());
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  std::uint64_t done = 0;
  for (;;) {
    int r = archive_read_data_block(a, &block, &size, &offset);
    if (r == ARCHIVE_EOF) return {};
    if (!read_ok(r)) return invalid_input(name, archive_message(a));
    if (static_cast<std::uint64_t>(offset) != done) {
      return invalid_input(name, "sparse entries are not supported");
    }
    std::string_view bytes(static_cast<const char*>(block), size);
    if (auto s = store::write_all(fd.value().get(), bytes, path); !s)
      return in_file(name, s.error());
    done += size;
    if (progress) progress(done, 0, name);
  }
}

}  // namespace

core::Status extract_layout_archive(const std::filesystem::path& archive_path,
                                    const std::filesystem::path& target, const Progress& progress) {
  auto a = open_tar_file(archive_path);
  if (!a) return a.error();
  const std::string file = archive_path.filename().string();
  archive_entry* entry = nullptr;
  for (std::uint64_t count = 0;; ++count) {
    int r = archive_read_next_header(a.value().get(), &entry);
    if (r == ARCHIVE_EOF) return {};
    if (count >= kMaxEntries) {
      return invalid_input(file, "more than " + std::to_string(kMaxEntries) + " entries");
    }
    if (!read_ok(r)) return invalid_input(file, archive_message(a.value().get()));
    const char* raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    auto parts = entry_components(name);
    if (!parts) return in_file(file, parts.error());
    const auto type = archive_entry_filetype(entry);
    if (archive_entry_hardlink(entry) != nullptr || archive_entry_symlink(entry) != nullptr) {
      return invalid_input(file, name + ": links are refused in an oci-archive");
    }
    if (parts.value().empty()) {
      if (type == AE_IFDIR) continue;  // "./" itself
      return invalid_input(file, name + ": not a path to extract");
    }
    const LayoutName kind = layout_name(parts.value());
    if (kind == LayoutName::kOther) continue;  // libarchive skips its data
    if (type == AE_IFDIR) {
      if (kind != LayoutName::kDirectory) continue;
      if (auto s = make_parents(target, parts.value(), parts.value().size()); !s) {
        return in_file(file + ": " + name, s.error());
      }
      continue;
    }
    if (type != AE_IFREG) {
      return invalid_input(file, name + ": only regular files and directories are allowed");
    }
    if (kind != LayoutName::kFile) continue;
    if (auto s = check_space(target, archive_entry_size(entry), name); !s) {
      return in_file(file, s.error());
    }
    if (auto s = make_parents(target, parts.value(), parts.value().size() - 1); !s) {
      return in_file(file + ": " + name, s.error());
    }
    std::filesystem::path path = target;
    for (const std::string& part : parts.value())
      path /= part;
    if (auto s = extract_file(a.value().get(), path, name, progress); !s)
      return in_file(file, s.error());
  }
}

}  // namespace oci::transport
