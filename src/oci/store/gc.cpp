// Store::gc and Store::check: mark from index.json, sweep blobs/ and ingest/.
#include "oci/store/gc.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <system_error>
#include <utility>

#include "oci/media_types.h"
#include "oci/store/file_lock.h"
#include "oci/store/references.h"
#include "oci/store/store.h"
#include "oci/store/store_paths.h"

namespace oci::store {
namespace {

// Every regular file under blobs/<alg>/, with the digest its name spells.
// Nothing is followed: blobs/ and each blobs/<alg>/ are opened O_NOFOLLOW
// and kept open, and files are removed with unlinkat on that descriptor, so
// a symlink anywhere inside the store can never aim gc at a file outside it.
// Names that are not digests, symlinks and other non-regular entries are
// reported and left alone: they are not ours to judge.
struct BlobFile {
  Digest digest;
  std::string name;
  std::uint64_t size = 0;
};

struct AlgDir {
  std::filesystem::path path;
  UniqueFd fd;
  std::vector<BlobFile> files;
};

std::string kind_of(unsigned mode) {
  if (S_ISLNK(mode)) return "a symlink";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

core::Result<std::vector<AlgDir>> list_blobs(const StorePaths& paths,
                                             std::vector<std::string>& problems) {
  auto blobs = open_dir_nofollow(AT_FDCWD, paths.blobs_dir(), paths.blobs_dir());
  if (!blobs) return blobs.error();
  auto algs = list_dir(blobs.value().get(), paths.blobs_dir());
  if (!algs) return algs.error();
  std::vector<AlgDir> out;
  for (const DirEntry& alg : algs.value()) {
    std::filesystem::path alg_path = paths.blobs_dir() / alg.name;
    if (!S_ISDIR(alg.mode)) {
      problems.push_back("not a directory (" + kind_of(alg.mode) +
                         "), left alone: " + alg_path.string());
      continue;
    }
    auto fd = open_dir_nofollow(blobs.value().get(), alg.name, alg_path);
    if (!fd) {
      problems.push_back(fd.error().to_string());
      continue;
    }
    auto files = list_dir(fd.value().get(), alg_path);
    if (!files) return files.error();
    AlgDir dir{alg_path, std::move(fd).value(), {}};
    for (const DirEntry& file : files.value()) {
      auto digest = Digest::parse(alg.name + ":" + file.name);
      if (!digest) {
        problems.push_back("not a blob: " + (alg_path / file.name).string());
        continue;
      }
      if (!S_ISREG(file.mode)) {
        problems.push_back("not a regular file (" + kind_of(file.mode) +
                           "), left alone: " + (alg_path / file.name).string());
        continue;
      }
      dir.files.push_back({digest.value(), file.name, file.size});
    }
    out.push_back(std::move(dir));
  }
  return out;
}

// Removes the regular files in `dir` whose names `stale` accepts; anything
// else there is reported. Used for ingest/ and the root's temp files, which
// only the store writes and which are all stale under the locks gc holds.
template <typename Stale>
core::Result<std::uint64_t> remove_stale(int dir_fd, const std::filesystem::path& dir, Stale stale,
                                         std::vector<std::string>& problems) {
  auto entries = list_dir(dir_fd, dir);
  if (!entries) return entries.error();
  std::uint64_t removed = 0;
  for (const DirEntry& entry : entries.value()) {
    if (!stale(entry.name)) continue;
    if (!S_ISREG(entry.mode)) {
      problems.push_back("not a regular file (" + kind_of(entry.mode) +
                         "), left alone: " + (dir / entry.name).string());
      continue;
    }
    if (::unlinkat(dir_fd, entry.name.c_str(), 0) != 0 && errno != ENOENT) {
      return sys_error("unlink", dir / entry.name, errno);
    }
    ++removed;
  }
  return removed;
}

// The bytes of a document blob as stored (not verified: gc wants whatever it
// names even from a damaged copy). Larger than any document the scan can
// read is an error: its children cannot be known.
core::Result<std::string> read_raw(const Store& store, const Digest& digest) {
  auto fd = store.open_blob(digest);
  if (!fd) return fd.error();
  auto bytes = read_up_to(fd.value().get(), json::kMaxDocumentBytes, digest.str());
  if (!bytes) return bytes.error();
  if (bytes.value().size() > json::kMaxDocumentBytes) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "blob " + digest.str() + " is larger than 16 MiB, too big to read");
  }
  return bytes;
}

struct Pending {
  Descriptor descriptor;
  std::string where;  // "index.json manifests[0]", "layers[1] of sha256:..."
};

}  // namespace

core::Result<GcReport> Store::gc() const {
  const StorePaths& paths = *paths_;
  auto lock = FileLock::acquire(paths.store_lock(), FileLock::Mode::kExclusive);
  if (!lock) return lock.error();
  auto index = load_index();
  if (!index) return index.error();
  GcReport report;

  // Mark. The visited set makes cycles (an index naming itself or an
  // ancestor) end; documents are read only when their media type, or the
  // mediaType found by the lenient scan, says they are manifests or indexes.
  // A reachable document that cannot be read (other than missing) or that
  // even the lenient scan cannot parse hides children gc cannot know, so
  // the sweep is called off: deleting nothing is the only answer that never
  // loses a blob a ref reaches.
  std::set<std::string> marked;
  std::vector<Pending> stack;
  auto call_off = [&](std::string reason) {
    report.problems.push_back(reason);
    if (report.not_swept.empty()) report.not_swept = std::move(reason);
  };
  for (std::size_t i = 0; i < index.value().entries().size(); ++i) {
    stack.push_back(
        {index.value().entries()[i], "index.json " + json::element_path("manifests", i)});
  }
  while (!stack.empty()) {
    Pending item = std::move(stack.back());
    stack.pop_back();
    const Digest& digest = item.descriptor.digest;
    if (!marked.insert(digest.str()).second) continue;
    const bool is_document = media_type::is_manifest_or_index(item.descriptor.media_type);
    auto size = blob_size(digest);
    if (!size) {
      if (size.error().code() == core::ErrorCode::kNotFound) {
        report.missing.push_back(digest.str() + " (" + item.where + ")");
      } else if (is_document) {
        call_off("cannot read " + digest.str() + " (" + item.where +
                 "): " + size.error().to_string());
      } else {
        report.problems.push_back(size.error().to_string());
      }
      continue;
    }
    if (!is_document) continue;
    auto bytes = read_raw(*this, digest);
    if (!bytes) {
      call_off("cannot read " + digest.str() + " (" + item.where +
               "): " + bytes.error().to_string());
      continue;
    }
    std::string of = " of " + digest.str();
    auto document = read_document(bytes.value(), digest);
    if (document) {
      for (Child& child : document.value().children) {
        stack.push_back({std::move(child.descriptor), child.field + of});
      }
      continue;
    }
    report.problems.push_back(digest.str() + ": " + document.error().to_string());
    auto scanned = scan_descriptors(bytes.value());
    if (!scanned) {
      call_off("cannot scan " + digest.str() + " (" + item.where +
               ") for the blobs it names: " + scanned.error().message());
      continue;
    }
    for (Descriptor& d : scanned.value())
      stack.push_back({std::move(d), "scan" + of});
  }
  if (!report.not_swept.empty()) return report;

  // Sweep: only regular files, only by unlinkat inside directories opened
  // without following links.
  auto blobs = list_blobs(paths, report.problems);
  if (!blobs) return blobs.error();
  for (const AlgDir& dir : blobs.value()) {
    for (const BlobFile& blob : dir.files) {
      if (marked.count(blob.digest.str()) != 0) {
        ++report.blobs_kept;
        continue;
      }
      if (::unlinkat(dir.fd.get(), blob.name.c_str(), 0) != 0) {
        return sys_error("unlink", dir.path / blob.name, errno);
      }
      ++report.blobs_removed;
      report.bytes_freed += blob.size;
    }
  }
  // Under the exclusive lock no BlobWriter is alive: what is in ingest/ was
  // left by a process that died.
  auto ingest = open_dir_nofollow(AT_FDCWD, paths.ingest_dir(), paths.ingest_dir());
  if (!ingest) return ingest.error();
  auto ingest_removed = remove_stale(
      ingest.value().get(), paths.ingest_dir(), [](const std::string&) { return true; },
      report.problems);
  if (!ingest_removed) return ingest_removed.error();
  report.ingest_files_removed = ingest_removed.value();

  // index.json and oci-layout are only ever rewritten under index.lock
  // (set_ref, remove_ref, layout creation), so with it held every
  // `<name>.tmp-*` in the root was left by a process that died.
  auto index_lock = FileLock::acquire(paths.index_lock(), FileLock::Mode::kExclusive);
  if (!index_lock) return index_lock.error();
  auto root = open_file(paths.root, O_RDONLY | O_DIRECTORY);
  if (!root) return root.error();
  auto temps_removed = remove_stale(
      root.value().get(), paths.root,
      [](const std::string& name) {
        return name.rfind("index.json.tmp-", 0) == 0 || name.rfind("oci-layout.tmp-", 0) == 0;
      },
      report.problems);
  if (!temps_removed) return temps_removed.error();
  report.temp_files_removed = temps_removed.value();
  return report;
}

core::Result<CheckReport> Store::check() const {
  CheckReport report;
  auto blobs = list_blobs(*paths_, report.problems);
  if (!blobs) return blobs.error();
  for (const AlgDir& dir : blobs.value()) {
    for (const BlobFile& blob : dir.files) {
      if (!blob.digest.supported()) {
        report.problems.push_back("cannot verify " + blob.digest.str() + ": unsupported algorithm");
        continue;
      }
      ++report.blobs_checked;
      core::Status s = verify_blob(blob.digest);
      if (s) continue;
      // Corrupt bytes are kFailedPrecondition with "corrupt"; a file swapped
      // for a link or FIFO since the listing is a problem, not corruption.
      if (s.error().code() == core::ErrorCode::kFailedPrecondition &&
          s.error().message().find("is corrupt") != std::string::npos) {
        report.corrupt.push_back(blob.digest.str());
      } else {
        report.problems.push_back(s.error().to_string());
      }
    }
  }
  return report;
}

}  // namespace oci::store
