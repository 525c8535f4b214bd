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

// Every file under blobs/<alg>/, with the digest its name spells. Names that
// are not digests are reported and left alone: they are not ours to judge.
struct BlobFile {
  Digest digest;
  std::filesystem::path path;
};

core::Result<std::vector<BlobFile>> list_blobs(const StorePaths& paths,
                                               std::vector<std::string>& problems) {
  std::vector<BlobFile> out;
  std::error_code ec;
  std::filesystem::directory_iterator algs(paths.blobs_dir(), ec);
  if (ec) return sys_error("read directory", paths.blobs_dir(), ec.value());
  for (const auto& alg : algs) {
    if (!alg.is_directory(ec)) {
      problems.push_back("not a directory: " + alg.path().string());
      continue;
    }
    std::filesystem::directory_iterator files(alg.path(), ec);
    if (ec) return sys_error("read directory", alg.path(), ec.value());
    for (const auto& file : files) {
      std::string name = alg.path().filename().string() + ":" + file.path().filename().string();
      auto digest = Digest::parse(name);
      if (!digest || !file.is_regular_file(ec)) {
        problems.push_back("not a blob: " + file.path().string());
        continue;
      }
      out.push_back({digest.value(), file.path()});
    }
  }
  return out;
}

// The bytes of a document blob as stored (not verified: gc wants whatever it
// names even from a damaged copy).
core::Result<std::string> read_raw(const Store& store, const Digest& digest) {
  auto fd = store.open_blob(digest);
  if (!fd) return fd.error();
  return read_up_to(fd.value().get(), json::kMaxDocumentBytes, digest.str());
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
  std::set<std::string> marked;
  std::vector<Pending> stack;
  for (std::size_t i = 0; i < index.value().entries().size(); ++i) {
    stack.push_back(
        {index.value().entries()[i], "index.json " + json::element_path("manifests", i)});
  }
  while (!stack.empty()) {
    Pending item = std::move(stack.back());
    stack.pop_back();
    const Digest& digest = item.descriptor.digest;
    if (!marked.insert(digest.str()).second) continue;
    if (!has_blob(digest)) {
      report.missing.push_back(digest.str() + " (" + item.where + ")");
      continue;
    }
    if (!media_type::is_manifest_or_index(item.descriptor.media_type)) continue;
    auto bytes = read_raw(*this, digest);
    if (!bytes) {
      report.problems.push_back(bytes.error().to_string());
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
    for (Descriptor& d : scan_descriptors(bytes.value()))
      stack.push_back({std::move(d), "scan" + of});
  }

  // Sweep.
  auto blobs = list_blobs(paths, report.problems);
  if (!blobs) return blobs.error();
  for (const BlobFile& blob : blobs.value()) {
    if (marked.count(blob.digest.str()) != 0) {
      ++report.blobs_kept;
      continue;
    }
    struct stat st;
    std::uint64_t size = ::stat(blob.path.c_str(), &st) == 0 ? st.st_size : 0;
    if (::unlink(blob.path.c_str()) != 0) return sys_error("unlink", blob.path, errno);
    ++report.blobs_removed;
    report.bytes_freed += size;
  }
  // Under the exclusive lock no BlobWriter is alive: what is in ingest/ was
  // left by a process that died.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(paths.ingest_dir(), ec)) {
    if (::unlink(entry.path().c_str()) != 0) return sys_error("unlink", entry.path(), errno);
    ++report.ingest_files_removed;
  }
  if (ec) return sys_error("read directory", paths.ingest_dir(), ec.value());
  return report;
}

core::Result<CheckReport> Store::check() const {
  CheckReport report;
  auto blobs = list_blobs(*paths_, report.problems);
  if (!blobs) return blobs.error();
  for (const BlobFile& blob : blobs.value()) {
    if (!blob.digest.supported()) {
      report.problems.push_back("cannot verify " + blob.digest.str() + ": unsupported algorithm");
      continue;
    }
    ++report.blobs_checked;
    core::Status s = verify_blob(blob.digest);
    if (s) continue;
    if (s.error().code() == core::ErrorCode::kFailedPrecondition) {
      report.corrupt.push_back(blob.digest.str());
    } else {
      report.problems.push_back(s.error().to_string());
    }
  }
  return report;
}

}  // namespace oci::store
