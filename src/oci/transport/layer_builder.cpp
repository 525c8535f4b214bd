#include "oci/transport/layer_builder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "oci/store/posix_file.h"
#include "oci/transport/blob_copy.h"
#include "oci/transport/disk_entry.h"
#include "oci/transport/gzip_stream.h"
#include "oci/transport/libarchive_handle.h"

namespace oci::transport {
namespace {

struct LinkResolverFree {
  void operator()(archive_entry_linkresolver* r) const { archive_entry_linkresolver_free(r); }
};

// Where libarchive's output goes: hashed for the diff_id, then gzipped into
// the blob. libarchive's callback can only say "failed", so the reason is
// kept here.
struct Sink {
  Hasher diff;
  GzipDeflater* deflater = nullptr;
  core::Status failure;
  std::uint64_t done = 0;
};

la_ssize_t write_callback(archive*, void* context, const void* buffer, size_t length) {
  auto* sink = static_cast<Sink*>(context);
  std::string_view bytes(static_cast<const char*>(buffer), length);
  sink->diff.update(bytes);
  if (auto s = sink->deflater->write(bytes); !s) {
    sink->failure = s;
    return -1;
  }
  sink->done += length;
  return static_cast<la_ssize_t>(length);
}

// Walks the tree by directory descriptors (disk_entry.h says why) and writes
// each entry: sorted, so the same tree gives the same layer.
class TreeWriter {
 public:
  TreeWriter(archive* out, archive_entry_linkresolver* links, Sink& sink,
             std::optional<std::int64_t> clamp, const Progress& progress)
      : out_(out), links_(links), sink_(sink), clamp_(clamp), progress_(progress) {}

  core::Status write_tree(const std::filesystem::path& root) {
    auto entry = open_root_entry(root);
    if (!entry) return entry.error();
    // "./" carries the root's own mode, owner, mtime and xattrs.
    if (auto s = write_entry(entry.value(), root); !s) return s;
    return write_dir(entry.value().fd.get(), root, "");
  }

 private:
  core::Status write_dir(int dir_fd, const std::filesystem::path& dir, const std::string& rel) {
    auto listed = store::list_dir(dir_fd, dir);
    if (!listed) return listed.error();
    std::vector<std::string> names;
    for (const store::DirEntry& e : listed.value())
      names.push_back(e.name);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const std::string child = rel.empty() ? name : rel + "/" + name;
      auto entry = open_disk_entry(dir_fd, name, child, dir / name);
      if (!entry) return entry.error();
      if (!entry.value()) continue;  // a socket
      DiskEntry& d = *entry.value();
      if (auto s = write_entry(d, dir / name); !s) return s;
      if (S_ISDIR(d.st.st_mode)) {
        if (auto s = write_dir(d.fd.get(), dir / name, child); !s) return s;
      }
    }
    return {};
  }

  core::Error archive_error(archive* a, const std::filesystem::path& path) {
    if (!sink_.failure.is_ok()) return sink_.failure.error();
    return core::Error(core::ErrorCode::kInternal, path.string() + ": " + archive_message(a))
        .with_file(path.string());
  }

  core::Status write_entry(DiskEntry& d, const std::filesystem::path& path) {
    if (clamp_ && archive_entry_mtime(d.entry.get()) > *clamp_) {
      archive_entry_set_mtime(d.entry.get(), static_cast<time_t>(*clamp_), 0);
    }
    archive_entry* e = d.entry.release();
    archive_entry* spare = nullptr;
    archive_entry_linkify(links_, &e, &spare);  // may turn e into a hardlink entry
    ArchiveEntry owned(e);
    ArchiveEntry spare_owned(spare);
    if (archive_write_header(out_, owned.get()) != ARCHIVE_OK) return archive_error(out_, path);
    const auto size = archive_entry_size(owned.get());
    if (S_ISREG(d.st.st_mode) && size > 0) {
      return write_data(d.fd.get(), static_cast<std::uint64_t>(size), path);
    }
    return {};
  }

  // Exactly `size` bytes (what the header said): a file that shrank or grew
  // since its fstat would otherwise be padded with NULs or cut short.
  core::Status write_data(int fd, std::uint64_t size, const std::filesystem::path& path) {
    std::vector<char> buffer(kCopyChunk);
    std::uint64_t done = 0;
    for (;;) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - done));
      // At the end, ask for one more byte to see that the file did not grow.
      ssize_t n = ::read(fd, buffer.data(), want == 0 ? 1 : want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return store::sys_error("read", path, errno);
      if (want == 0 && n == 0) return {};
      if (n == 0 || want == 0) return file_changed(path);
      if (archive_write_data(out_, buffer.data(), static_cast<size_t>(n)) != n) {
        return archive_error(out_, path);
      }
      done += static_cast<std::uint64_t>(n);
      if (progress_) progress_(sink_.done, 0, path.string());
    }
  }

  archive* out_;
  archive_entry_linkresolver* links_;
  Sink& sink_;
  std::optional<std::int64_t> clamp_;
  const Progress& progress_;
};

}  // namespace

core::Result<BuiltLayer> build_layer(const store::StoreLease& lease,
                                     const std::filesystem::path& rootfs,
                                     std::optional<std::int64_t> clamp_mtime,
                                     const Progress& progress) {
  auto writer = lease.writer();
  if (!writer) return writer.error();
  auto diff = Hasher::create(DigestAlgorithm::kSha256);
  if (!diff) return diff.error();
  store::BlobWriter& blob = writer.value();
  auto deflater =
      GzipDeflater::create([&blob](std::string_view bytes) { return blob.write(bytes); });
  if (!deflater) return deflater.error();
  Sink sink{std::move(diff).value(), &deflater.value(), {}, 0};

  ArchiveWriter out(archive_write_new());
  std::unique_ptr<archive_entry_linkresolver, LinkResolverFree> links(
      archive_entry_linkresolver_new());
  if (!out || !links) return core::Error(core::ErrorCode::kInternal, "libarchive: out of memory");
  archive_write_set_format_pax_restricted(out.get());
  // Names are bytes: in the C locale a non-ASCII name cannot be converted to
  // UTF-8, and would make every header a warning. Raw names are what the
  // tree has, and what other tools read back.
  if (archive_write_set_format_option(out.get(), "pax", "hdrcharset", "BINARY") != ARCHIVE_OK) {
    return core::Error(core::ErrorCode::kInternal, "libarchive: " + archive_message(out.get()));
  }
  archive_entry_linkresolver_set_strategy(links.get(), archive_format(out.get()));
  if (archive_write_open(out.get(), &sink, nullptr, write_callback, nullptr) != ARCHIVE_OK) {
    return core::Error(core::ErrorCode::kInternal, "libarchive: " + archive_message(out.get()));
  }
  TreeWriter tree(out.get(), links.get(), sink, clamp_mtime, progress);
  if (auto s = tree.write_tree(rootfs); !s) return s.error();
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    if (!sink.failure.is_ok()) return sink.failure.error();
    return core::Error(core::ErrorCode::kInternal, "libarchive: " + archive_message(out.get()));
  }
  if (auto s = deflater.value().finish(); !s) return s.error();
  BuiltLayer layer;
  layer.diff_id = sink.diff.finish();
  layer.size = blob.bytes_written();
  auto digest = blob.commit_computed();
  if (!digest) return digest.error();
  layer.digest = std::move(digest).value();
  return layer;
}

}  // namespace oci::transport
