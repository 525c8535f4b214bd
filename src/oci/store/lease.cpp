// StoreLease: adding blobs and setting refs under the shared store lock.
#include <fcntl.h>

#include "oci/media_types.h"
#include "oci/store/file_lock.h"
#include "oci/store/references.h"
#include "oci/store/store.h"
#include "oci/store/store_paths.h"

namespace oci::store {
namespace {

core::Error invalid(std::string field, std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message))
      .with_field(std::move(field));
}

// The blob exists with the size its descriptor claims.
core::Status check_present(const Store& store, const Descriptor& d, const std::string& field,
                           const std::string& owner) {
  auto size = store.blob_size(d.digest);
  if (!size) {
    if (size.error().code() != core::ErrorCode::kNotFound) return size.error();
    return core::Error(core::ErrorCode::kNotFound,
                       owner + " refers to missing blob " + d.digest.str())
        .with_field(field);
  }
  if (size.value() != d.size) {
    return invalid(field + ".size", owner + " says blob " + d.digest.str() + " has " +
                                        std::to_string(d.size) + " bytes, the store has " +
                                        std::to_string(size.value()));
  }
  return {};
}

}  // namespace

core::Result<BlobWriter> StoreLease::writer(DigestAlgorithm algorithm) const {
  auto hasher = Hasher::create(algorithm);
  if (!hasher) return hasher.error();
  const StorePaths& paths = *store_.paths_;
  std::filesystem::path temp;
  auto fd = create_unique_file(paths.ingest_dir() / "", temp);
  if (!fd) return fd.error();
  return BlobWriter(store_.paths_, lock_, std::move(fd).value(), std::move(temp),
                    std::move(hasher).value());
}

core::Result<Digest> StoreLease::put_blob(std::string_view bytes, DigestAlgorithm algorithm) const {
  auto w = writer(algorithm);
  if (!w) return w.error();
  if (auto s = w.value().write(bytes); !s) return s.error();
  Digest digest = Digest::of(algorithm, bytes);
  if (auto s = w.value().commit(digest, static_cast<std::int64_t>(bytes.size())); !s) {
    return s.error();
  }
  return digest;
}

core::Status StoreLease::set_ref(const Ref& ref, const Descriptor& descriptor) const {
  const std::string what = "ref '" + ref.str() + "'";
  if (!media_type::is_manifest_or_index(descriptor.media_type)) {
    return invalid("mediaType", what + ": unknown media type '" + descriptor.media_type +
                                    "' (a ref names an OCI or Docker manifest or index)");
  }
  if (auto s = check_json_strings(descriptor); !s) {
    return core::Error(s.error().code(), what + ": " + s.error().message(), s.error().context());
  }
  if (auto s = check_present(store_, descriptor, "digest", what); !s) return s;
  // read_blob checks the digest; documents larger than the model's limit fail here.
  auto bytes = store_.read_blob(descriptor.digest);
  if (!bytes) return bytes.error();
  auto document = read_document(bytes.value(), descriptor.digest);
  if (!document) {
    core::Error e = document.error();
    return core::Error(e.code(), descriptor.digest.str() + ": " + e.message(), e.context());
  }
  if (!kind_matches_media_type(document.value().kind, descriptor.media_type)) {
    return invalid("mediaType", what + ": the descriptor says '" + descriptor.media_type +
                                    "' but blob " + descriptor.digest.str() + " is an " +
                                    document_kind_name(document.value().kind));
  }
  if (is_image_manifest(document.value().kind)) {
    for (const Child& child : document.value().children) {
      if (child.field == "subject") continue;  // a referrer's subject may live elsewhere
      std::string owner = "manifest " + descriptor.digest.str();
      if (auto s = check_present(store_, child.descriptor, child.field, owner); !s) return s;
    }
  }

  const StorePaths& paths = *store_.paths_;
  auto lock = FileLock::acquire(paths.index_lock(), FileLock::Mode::kExclusive);
  if (!lock) return lock.error();
  auto index = store_.load_index();
  if (!index) return index.error();
  index.value().set(ref.str(), descriptor);
  auto bytes_out = index.value().serialize();
  if (!bytes_out) return bytes_out.error();
  return write_file_atomic(paths.index_file(), bytes_out.value());
}

}  // namespace oci::store
