// Store::open: finding, checking or creating the OCI layout on disk.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <set>
#include <system_error>

#include "oci/store/file_lock.h"
#include "oci/store/index_file.h"
#include "oci/store/store.h"
#include "oci/store/store_paths.h"

namespace oci::store {
namespace {

constexpr std::string_view kLayoutVersion = "1.0.0";

core::Error bad_state(const std::filesystem::path& path, std::string message) {
  return core::Error(core::ErrorCode::kFailedPrecondition, std::move(message))
      .with_file(path.string());
}

// Whether `name` in a directory without oci-layout is something the store
// itself leaves while making a layout (oci-layout is written last, so such a
// directory is one whose creation was interrupted or is under way in another
// process, and open finishes it). Only what our creation can have produced
// counts: the lock files, temp files, an index.json that is exactly our empty
// index, an empty ingest/ and a blobs/ holding at most an empty sha256/.
// `lost+found` (a dedicated ext4 volume) is not content either. Anything else
// — a foreign index.json, a blob — makes the directory someone else's, and
// it must be refused before anything, even a lock file, is written into it.
bool is_empty_dir(const std::filesystem::path& dir, const std::set<std::string>& allowed_subdirs) {
  auto fd = open_dir_nofollow(AT_FDCWD, dir, dir);
  if (!fd) return false;
  auto entries = list_dir(fd.value().get(), dir);
  if (!entries) return false;
  for (const DirEntry& e : entries.value()) {
    if (!S_ISDIR(e.mode) || allowed_subdirs.count(e.name) == 0 || !is_empty_dir(dir / e.name, {})) {
      return false;
    }
  }
  return true;
}

bool is_ours_or_empty(const StorePaths& paths, const DirEntry& entry) {
  const std::string& name = entry.name;
  if (name == "lost+found") return S_ISDIR(entry.mode);
  if (name == "store.lock" || name == "index.lock") return S_ISREG(entry.mode);
  if (name.rfind("index.json.tmp-", 0) == 0 || name.rfind("oci-layout.tmp-", 0) == 0) {
    return S_ISREG(entry.mode);
  }
  if (name == "ingest") return S_ISDIR(entry.mode) && is_empty_dir(paths.ingest_dir(), {});
  if (name == "blobs") return S_ISDIR(entry.mode) && is_empty_dir(paths.blobs_dir(), {"sha256"});
  if (name == "index.json") {
    if (!S_ISREG(entry.mode)) return false;
    auto fd = open_file(paths.index_file(), O_RDONLY | O_NOFOLLOW);
    if (!fd) return false;
    const std::string ours = IndexFile::empty_document();
    auto bytes = read_up_to(fd.value().get(), ours.size(), paths.index_file());
    return bytes && bytes.value() == ours;
  }
  return false;
}

bool path_exists(const std::filesystem::path& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// blobs/, every blobs/<alg>/ and ingest/ must be real directories: gc
// unlinks inside them as root, so a link there would aim it outside the
// store. Missing ones are made (a layout written by another tool may lack
// ingest/), and the root is fsynced after the mkdir attempts even when they
// found the directories: the process that made them may not have fsynced.
core::Status check_store_dirs(const StorePaths& paths) {
  if (auto s = make_store_dir(paths.blobs_dir()); !s) return s;
  if (auto s = make_store_dir(paths.ingest_dir()); !s) return s;
  if (auto s = fsync_dir(paths.root); !s) return s;
  auto blobs = open_dir_nofollow(AT_FDCWD, paths.blobs_dir(), paths.blobs_dir());
  if (!blobs) return blobs.error();
  auto entries = list_dir(blobs.value().get(), paths.blobs_dir());
  if (!entries) return entries.error();
  for (const DirEntry& e : entries.value()) {
    // Only algorithm directories are refused when they are not directories;
    // other stray files are gc's to report, not a reason to refuse the store.
    bool is_alg = e.name == "sha256" || e.name == "sha512";
    if (S_ISLNK(e.mode) || (is_alg && !S_ISDIR(e.mode))) {
      return bad_state(paths.blobs_dir() / e.name,
                       std::string("store directory ") +
                           (S_ISLNK(e.mode) ? "is a symlink" : "is not a directory") +
                           "; the store does not follow or open such entries inside itself");
    }
  }
  return {};
}

core::Status check_layout_file(const StorePaths& paths) {
  auto fd = open_file(paths.layout_file(), O_RDONLY);
  if (!fd) return fd.error();
  auto bytes = read_up_to(fd.value().get(), 4096, paths.layout_file());
  if (!bytes) return bytes.error();
  auto document = json::parse(bytes.value());
  if (!document) {
    return bad_state(paths.layout_file(),
                     "oci-layout is not valid JSON: " + document.error().message());
  }
  const json::Json& j = document.value();
  auto version = j.is_object() ? j.find("imageLayoutVersion") : j.end();
  if (!j.is_object() || version == j.end() || !version->is_string()) {
    return bad_state(paths.layout_file(), "oci-layout has no imageLayoutVersion string")
        .with_field("imageLayoutVersion");
  }
  if (version->get<std::string>() != kLayoutVersion) {
    return bad_state(paths.layout_file(), "unsupported image layout version '" +
                                              version->get<std::string>() + "', expected 1.0.0")
        .with_field("imageLayoutVersion");
  }
  return {};
}

// Under index.lock: whatever is missing of a new layout, oci-layout last.
core::Status create_layout(const StorePaths& paths) {
  auto lock = FileLock::acquire(paths.index_lock(), FileLock::Mode::kExclusive);
  if (!lock) return lock.error();
  if (path_exists(paths.layout_file())) return {};  // another process finished it
  if (!path_exists(paths.index_file())) {
    if (auto s = write_file_atomic(paths.index_file(), IndexFile::empty_document()); !s) return s;
  }
  if (auto s = make_store_dir(paths.blobs_dir()); !s) return s;
  if (auto s = make_store_dir(paths.blobs_dir() / "sha256"); !s) return s;
  if (auto s = make_store_dir(paths.ingest_dir()); !s) return s;
  if (auto s = fsync_dir(paths.blobs_dir()); !s) return s;
  std::string layout =
      std::string(R"({"imageLayoutVersion":")") + std::string(kLayoutVersion) + "\"}";
  return write_file_atomic(paths.layout_file(), layout);  // fsyncs root too
}

}  // namespace

core::Result<Store> Store::open(const std::filesystem::path& root) {
  std::error_code ec;
  auto paths = std::make_shared<StorePaths>();
  paths->root = std::filesystem::absolute(root, ec);
  if (ec) return sys_error("absolute path", root, ec.value());

  struct stat st;
  if (::stat(paths->root.c_str(), &st) != 0) {
    if (errno != ENOENT) return sys_error("stat", paths->root, errno);
    if (auto s = make_dirs(paths->root); !s) return s.error();
  } else if (!S_ISDIR(st.st_mode)) {
    return bad_state(paths->root, "the store path is not a directory");
  }

  if (!path_exists(paths->layout_file())) {
    // The root itself may be reached through a symlink; only what is inside
    // it is never followed.
    auto dir = open_file(paths->root, O_RDONLY | O_DIRECTORY);
    if (!dir) return dir.error();
    auto entries = list_dir(dir.value().get(), paths->root);
    if (!entries) return entries.error();
    for (const DirEntry& entry : entries.value()) {
      if (!is_ours_or_empty(*paths, entry)) {
        return bad_state(paths->root,
                         "not an OCI image layout (no oci-layout file) and not "
                         "empty: found '" +
                             entry.name + "'");
      }
    }
    if (auto s = create_layout(*paths); !s) return s.error();
  }
  if (auto s = check_layout_file(*paths); !s) return s.error();
  // The index must be readable now, not at the first ref operation.
  if (auto index = IndexFile::load(paths->index_file()); !index) return index.error();
  if (auto s = check_store_dirs(*paths); !s) return s.error();
  return Store(std::move(paths));
}

}  // namespace oci::store
