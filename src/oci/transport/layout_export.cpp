#include "oci/transport/layout_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "oci/media_types.h"
#include "oci/store/index_file.h"
#include "oci/store/references.h"
#include "oci/transport/blob_copy.h"
#include "oci/transport/closure_walk.h"
#include "oci/transport/errors.h"
#include "oci/transport/layout_reader.h"

namespace oci::transport {
namespace {

constexpr std::string_view kOciLayoutDocument = R"({"imageLayoutVersion":"1.0.0"})";

core::Status prepare_layout(const std::filesystem::path& dir) {
  if (auto s = store::make_dirs(dir); !s) return s;
  auto dir_fd = store::open_file(dir, O_RDONLY | O_DIRECTORY);
  if (!dir_fd) return dir_fd.error();
  auto entries = store::list_dir(dir_fd.value().get(), dir);
  if (!entries) return entries.error();
  bool has_layout = false;
  for (const store::DirEntry& e : entries.value())
    has_layout |= e.name == "oci-layout";
  if (has_layout) {
    // LayoutReader checks the version the same way an import would.
    auto reader = LayoutReader::open(dir);
    if (!reader) return reader.error();
  } else if (!entries.value().empty()) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       dir.string() + ": not empty and not an OCI layout (no oci-layout)")
        .with_file(dir.string());
  }
  if (auto s = store::make_store_dir(dir / "blobs"); !s) return s;
  std::error_code ec;
  if (!std::filesystem::exists(dir / "index.json", ec)) {
    if (auto s = store::write_file_atomic(dir / "index.json", store::IndexFile::empty_document());
        !s) {
      return s;
    }
  }
  if (!has_layout) return store::write_file_atomic(dir / "oci-layout", kOciLayoutDocument);
  return {};
}

class LayoutWriter {
 public:
  LayoutWriter(const store::Store& store, std::filesystem::path dir, const Progress& progress)
      : store_(store), dir_(std::move(dir)), progress_(progress) {}

  core::Status copy(const Descriptor& root) {
    ClosureWalk walk(root);
    while (auto item = walk.next()) {
      if (auto s = copy_item(*item, walk); !s) return ClosureWalk::located(s, *item);
    }
    return {};
  }

 private:
  core::Status copy_item(const ClosureItem& item, ClosureWalk& walk) {
    const Descriptor& d = item.descriptor;
    if (auto s = copy_blob(d); !s) return s;
    if (!item.is_document) return {};
    auto bytes = store_.read_blob(d.digest);
    if (!bytes) return bytes.error();
    auto document = store::read_document(bytes.value(), d.digest);
    if (!document) return in_file(d.digest.str(), document.error());
    const bool is_index = !store::is_image_manifest(document.value().kind);
    for (const store::Child& child : document.value().children) {
      // What the store may lack (unpulled platforms, referrers' subjects) is
      // not exported either; set_ref made sure an image has the rest.
      const bool optional = is_index || child.field == "subject";
      if (optional && !store_.has_blob(child.descriptor.digest)) continue;
      if (auto s = walk.add(item, d.digest.str(), child); !s) return s;
    }
    return {};
  }

  core::Status copy_blob(const Descriptor& d) {
    const std::filesystem::path alg_dir = dir_ / "blobs" / std::string(d.digest.algorithm());
    const std::filesystem::path target = alg_dir / std::string(d.digest.encoded());
    // The directory first: a symlinked blobs/<alg> is refused even when the
    // blob seems to be there already.
    if (auto s = store::make_store_dir(alg_dir); !s) return s;
    auto kept = has_intact_blob(alg_dir, d);
    if (!kept) return kept.error();
    if (kept.value()) return {};
    auto source = store_.open_blob(d.digest);
    if (!source) return source.error();
    std::filesystem::path temp;
    auto out = store::create_unique_file(alg_dir / ".tmp-", temp);
    if (!out) return out.error();
    auto fail = [&](core::Status status) {
      ::unlink(temp.c_str());
      return status;
    };
    auto hasher = Hasher::create(d.digest.algorithm_id());
    if (!hasher) return fail(hasher.error());
    std::vector<char> buffer(kCopyChunk);
    std::uint64_t done = 0;
    for (;;) {
      ssize_t n = ::read(source.value().get(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(store::sys_error("read", store_.root() / d.digest.str(), errno));
      if (n == 0) break;
      std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
      hasher.value().update(chunk);
      if (auto s = store::write_all(out.value().get(), chunk, temp); !s) return fail(s);
      done += chunk.size();
      if (progress_) progress_(done, static_cast<std::uint64_t>(d.size), d.digest.str());
    }
    Digest actual = hasher.value().finish();
    if (actual != d.digest || done != static_cast<std::uint64_t>(d.size)) {
      return fail(core::Error(core::ErrorCode::kFailedPrecondition,
                              "store blob " + d.digest.str() + " is corrupt (computed " +
                                  actual.str() + ", " + std::to_string(done) + " bytes)"));
    }
    if (auto s = store::fsync_fd(out.value().get(), temp); !s) return fail(s);
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      return fail(store::sys_error("rename", target, errno));
    }
    return store::fsync_dir(alg_dir);
  }

  // Whether the layout holds `d` already, re-hashed: a blob of the right
  // size but other bytes (a crash, a hand edit) is replaced, not kept.
  static core::Result<bool> has_intact_blob(const std::filesystem::path& alg_dir,
                                            const Descriptor& d) {
    auto dir_fd = store::open_dir_nofollow(AT_FDCWD, alg_dir, alg_dir);
    if (!dir_fd) return dir_fd.error();
    const std::string encoded(d.digest.encoded());
    std::uint64_t size = 0;
    auto fd = store::open_regular_at(dir_fd.value().get(), encoded, alg_dir / encoded, &size);
    if (!fd) return false;  // absent or not a plain file: written anew (renamed over)
    if (d.size < 0 || size != static_cast<std::uint64_t>(d.size)) return false;
    auto hasher = Hasher::create(d.digest.algorithm_id());
    if (!hasher) return hasher.error();
    std::vector<char> buffer(kCopyChunk);
    for (;;) {
      ssize_t n = ::read(fd.value().get(), buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return store::sys_error("read", alg_dir / encoded, errno);
      if (n == 0) break;
      hasher.value().update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
    return hasher.value().finish() == d.digest;
  }

  const store::Store& store_;
  std::filesystem::path dir_;
  const Progress& progress_;
};

}  // namespace

core::Status export_to_layout(const store::Store& store, const store::Ref& ref,
                              const std::filesystem::path& dir, std::string_view ref_name,
                              const Progress& progress) {
  auto image = store.resolve(ref);
  if (!image) return image.error();
  if (auto s = prepare_layout(dir); !s) return s;
  LayoutWriter writer(store, dir, progress);
  if (auto s = writer.copy(image.value()); !s) return s;
  if (auto s = store::fsync_dir(dir / "blobs"); !s) return s;
  auto index = store::IndexFile::load(dir / "index.json");
  if (!index) return in_file("index.json", index.error());
  Descriptor entry = image.value();
  entry.annotations.erase(std::string(kAnnotationRefName));
  entry.annotations.erase(std::string(store::kAnnotationImageSource));  // where we pulled it
  index.value().set(ref_name, entry);
  auto bytes = index.value().serialize();
  if (!bytes) return bytes.error();
  return store::write_file_atomic(dir / "index.json", bytes.value());
}

}  // namespace oci::transport
