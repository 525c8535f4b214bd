// Store: reading blobs and refs, removing refs, taking leases.
#include "oci/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "oci/store/file_lock.h"
#include "oci/store/store_paths.h"

namespace oci::store {
namespace {

core::Error blob_not_found(const Digest& digest, const std::filesystem::path& path) {
  return core::Error(core::ErrorCode::kNotFound, "blob " + digest.str() + " not found")
      .with_file(path.string());
}

core::Error corrupt(const Digest& digest, const std::filesystem::path& path,
                    const std::string& why) {
  return core::Error(core::ErrorCode::kFailedPrecondition,
                     "blob " + digest.str() + " is corrupt: " + why)
      .with_file(path.string());
}

// Not "corrupt": the store cannot hash it, so it cannot tell.
core::Error unsupported(const Digest& digest) {
  return core::Error(core::ErrorCode::kInvalidArgument, "blob " + digest.str() +
                                                            ": unsupported digest algorithm '" +
                                                            std::string(digest.algorithm()) + "'")
      .with_field("digest");
}

}  // namespace

const std::filesystem::path& Store::root() const {
  return paths_->root;
}

core::Result<StoreLease> Store::lease() const {
  auto lock = FileLock::acquire(paths_->store_lock(), FileLock::Mode::kShared);
  if (!lock) return lock.error();
  return StoreLease(*this, std::make_shared<const FileLock>(std::move(lock).value()));
}

core::Result<FileLock> Store::exclusive() const {
  return FileLock::acquire(paths_->store_lock(), FileLock::Mode::kExclusive);
}

// The one way the store opens or sizes a blob: blobs/ and blobs/<alg> are
// opened without following symlinks and the blob must be a regular file
// (open_regular_at), so a link planted at a blob name is never served and a
// FIFO or device never blocks a reader that may hold a lease.
core::Result<UniqueFd> Store::open_blob_file(const Digest& digest, std::uint64_t* size) const {
  std::filesystem::path path = paths_->blob_path(digest);
  if (digest.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "empty digest").with_field("digest");
  }
  auto fail = [&](const core::Error& error) -> core::Error {
    if (error.code() == core::ErrorCode::kNotFound) return blob_not_found(digest, path);
    return error;
  };
  auto blobs = open_dir_nofollow(AT_FDCWD, paths_->blobs_dir(), paths_->blobs_dir());
  if (!blobs) return fail(blobs.error());
  auto alg = open_dir_nofollow(blobs.value().get(), std::string(digest.algorithm()),
                               paths_->blob_dir(digest));
  if (!alg) return fail(alg.error());
  auto fd = open_regular_at(alg.value().get(), std::string(digest.encoded()), path, size);
  if (!fd) return fail(fd.error());
  return fd;
}

bool Store::has_blob(const Digest& digest) const {
  return !digest.empty() && open_blob_file(digest, nullptr).is_ok();
}

core::Result<std::int64_t> Store::blob_size(const Digest& digest) const {
  std::uint64_t size = 0;
  auto fd = open_blob_file(digest, &size);
  if (!fd) return fd.error();
  return static_cast<std::int64_t>(size);
}

core::Result<UniqueFd> Store::open_blob(const Digest& digest) const {
  return open_blob_file(digest, nullptr);
}

core::Result<std::string> Store::read_blob(const Digest& digest, std::uint64_t max_size) const {
  std::filesystem::path path = paths_->blob_path(digest);
  if (!digest.supported()) return unsupported(digest);
  auto fd = open_blob(digest);
  if (!fd) return fd.error();
  auto bytes = read_up_to(fd.value().get(), max_size, path);
  if (!bytes) return bytes.error();
  if (bytes.value().size() > max_size) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "blob " + digest.str() + " is larger than the limit of " +
                           std::to_string(max_size) + " bytes for a document")
        .with_file(path.string());
  }
  if (auto s = verify_digest(digest, bytes.value()); !s) {
    return corrupt(digest, path, s.error().message());
  }
  return bytes;
}

core::Status Store::verify_blob(const Digest& digest) const {
  std::filesystem::path path = paths_->blob_path(digest);
  if (!digest.supported()) return unsupported(digest);
  auto hasher = Hasher::create(digest.algorithm_id());
  if (!hasher) return hasher.error();
  auto fd = open_blob(digest);
  if (!fd) return fd.error();
  char buffer[256 * 1024];
  while (true) {
    ssize_t n = ::read(fd.value().get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error("read", path, errno);
    }
    if (n == 0) break;
    hasher.value().update(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
  Digest actual = hasher.value().finish();
  if (actual != digest) return corrupt(digest, path, "its bytes hash to " + actual.str());
  return {};
}

core::Result<IndexFile> Store::load_index() const {
  return IndexFile::load(paths_->index_file());
}

core::Result<Descriptor> Store::resolve(const Ref& ref) const {
  auto index = load_index();
  if (!index) return index.error();
  if (auto found = index.value().find(ref.str())) return *found;
  return core::Error(core::ErrorCode::kNotFound, "ref '" + ref.str() + "' not found")
      .with_file(paths_->index_file().string());
}

core::Result<std::vector<RefEntry>> Store::list_refs() const {
  auto index = load_index();
  if (!index) return index.error();
  return index.value().refs();
}

core::Status Store::remove_ref(const Ref& ref) const {
  auto lock = FileLock::acquire(paths_->index_lock(), FileLock::Mode::kExclusive);
  if (!lock) return lock.error();
  auto index = load_index();
  if (!index) return index.error();
  if (!index.value().remove(ref.str())) {
    return core::Error(core::ErrorCode::kNotFound, "ref '" + ref.str() + "' not found")
        .with_file(paths_->index_file().string());
  }
  auto bytes = index.value().serialize();
  if (!bytes) return bytes.error();
  return write_file_atomic(paths_->index_file(), bytes.value());
}

}  // namespace oci::store
