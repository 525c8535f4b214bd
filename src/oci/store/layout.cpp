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

// Names the store itself creates while making a layout. A directory holding
// only these and no oci-layout is one whose creation was interrupted or is
// under way in another process (oci-layout is written last), so open finishes
// it rather than refusing it.
bool is_own_name(const std::string& name) {
  static const std::set<std::string> kOwn = {"store.lock", "index.lock", "index.json", "blobs",
                                             "ingest"};
  return kOwn.count(name) != 0 || name.rfind("index.json.tmp-", 0) == 0 ||
         name.rfind("oci-layout.tmp-", 0) == 0;
}

bool path_exists(const std::filesystem::path& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
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
  bool created = false;
  if (auto s = make_dir(paths.blobs_dir(), &created); !s) return s;
  if (auto s = make_dir(paths.blobs_dir() / "sha256"); !s) return s;
  if (auto s = make_dir(paths.ingest_dir()); !s) return s;
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
    std::filesystem::directory_iterator it(paths->root, ec);
    if (ec) return sys_error("read directory", paths->root, ec.value());
    for (const auto& entry : it) {
      std::string name = entry.path().filename().string();
      if (!is_own_name(name)) {
        return bad_state(paths->root,
                         "not an OCI image layout (no oci-layout file) and not "
                         "empty: found '" +
                             name + "'");
      }
    }
    if (auto s = create_layout(*paths); !s) return s.error();
  }
  if (auto s = check_layout_file(*paths); !s) return s.error();
  // The index must be readable now, not at the first ref operation.
  if (auto index = IndexFile::load(paths->index_file()); !index) return index.error();
  // A layout written by another tool may lack our directories.
  if (auto s = make_dir(paths->blobs_dir()); !s) return s.error();
  bool created = false;
  if (auto s = make_dir(paths->ingest_dir(), &created); !s) return s.error();
  if (created) {
    if (auto s = fsync_dir(paths->root); !s) return s.error();
  }
  return Store(std::move(paths));
}

}  // namespace oci::store
