#include "oci/transport/layout_reader.h"

#include <fcntl.h>

#include "oci/json_reader.h"
#include "oci/transport/errors.h"

namespace oci::transport {

core::Result<LayoutReader> LayoutReader::open(const std::filesystem::path& dir) {
  auto fd = store::open_file(dir, O_RDONLY | O_DIRECTORY);
  if (!fd) return fd.error();
  LayoutReader reader(dir, std::move(fd).value());
  auto bytes = reader.read_small_file("oci-layout");
  if (!bytes) return bytes.error();
  auto doc = json::parse(bytes.value());
  if (!doc) return in_file("oci-layout", doc.error());
  const json::Json& j = doc.value();
  auto version = j.is_object() ? j.find("imageLayoutVersion") : j.end();
  if (!j.is_object() || version == j.end() || !version->is_string()) {
    return invalid_input("oci-layout", "missing imageLayoutVersion");
  }
  if (version->get<std::string>() != "1.0.0") {
    return invalid_input("oci-layout", "unsupported imageLayoutVersion '" +
                                           version->get<std::string>() + "' (expected 1.0.0)");
  }
  return reader;
}

core::Result<std::string> LayoutReader::read_small_file(const std::string& name) const {
  auto fd = store::open_regular_at(fd_.get(), name, dir_ / name);
  if (!fd) return in_file(name, fd.error());
  auto bytes = store::read_up_to(fd.value().get(), json::kMaxDocumentBytes, dir_ / name);
  if (!bytes) return in_file(name, bytes.error());
  if (bytes.value().size() > json::kMaxDocumentBytes) {
    return invalid_input(name, "larger than " + std::to_string(json::kMaxDocumentBytes) + " bytes");
  }
  return bytes;
}

core::Result<Index> LayoutReader::index() const {
  auto bytes = read_small_file("index.json");
  if (!bytes) return bytes.error();
  auto index = parse_index(bytes.value());
  if (!index) return in_file("index.json", index.error());
  return index;
}

std::string LayoutReader::blob_name(const Digest& digest) {
  return "blobs/" + std::string(digest.algorithm()) + "/" + std::string(digest.encoded());
}

core::Result<store::UniqueFd> LayoutReader::open_blob(const Digest& digest,
                                                      std::uint64_t* size) const {
  const std::string name = blob_name(digest);
  auto blobs = store::open_dir_nofollow(fd_.get(), "blobs", dir_ / "blobs");
  if (!blobs) return in_file(name, blobs.error());
  const std::string alg(digest.algorithm());
  auto alg_dir = store::open_dir_nofollow(blobs.value().get(), alg, dir_ / "blobs" / alg);
  if (!alg_dir) return in_file(name, alg_dir.error());
  auto fd = store::open_regular_at(alg_dir.value().get(), std::string(digest.encoded()),
                                   dir_ / name, size);
  if (!fd) return in_file(name, fd.error());
  return fd;
}

core::Result<std::string> LayoutReader::read_document(const Digest& digest,
                                                      std::int64_t size) const {
  const std::string name = blob_name(digest);
  if (size < 0 || static_cast<std::uint64_t>(size) > json::kMaxDocumentBytes) {
    return invalid_input(name, "document size " + std::to_string(size) + " out of range");
  }
  std::uint64_t actual_size = 0;
  auto fd = open_blob(digest, &actual_size);
  if (!fd) return fd.error();
  auto bytes = store::read_up_to(fd.value().get(), static_cast<std::uint64_t>(size), dir_ / name);
  if (!bytes) return in_file(name, bytes.error());
  if (bytes.value().size() != static_cast<std::uint64_t>(size)) {
    return invalid_input(name, "size mismatch: the descriptor says " + std::to_string(size) +
                                   " bytes, the file has " + std::to_string(actual_size));
  }
  if (auto s = verify_digest(digest, bytes.value()); !s) return in_file(name, s.error());
  return bytes;
}

}  // namespace oci::transport
