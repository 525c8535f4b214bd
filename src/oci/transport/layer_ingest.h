// oci/transport/layer_ingest.h: storing a layer whose digest nobody told us,
// and learning its diff_id on the way (internal to src/oci/transport).
//
// A docker archive's layer tars carry no digest, and newer Docker gzips them
// without saying so. The bytes stream into a BlobWriter as they are; the
// first bytes are sniffed (gzip magic 1f 8b; zstd is refused), and a gzip
// layer is inflated alongside so its diff_id (the digest of the plain tar)
// is known when the blob is committed, without reading it twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "oci/digest.h"
#include "oci/media_types.h"
#include "oci/store/store.h"
#include "oci/transport/gzip_stream.h"

namespace oci::transport {

struct IngestedLayer {
  Digest digest;  // of the stored bytes
  std::uint64_t size = 0;
  Digest diff_id;  // of the uncompressed tar
  media_type::Compression compression = media_type::Compression::kNone;
};

class LayerIngest {
 public:
  static core::Result<LayerIngest> create(const store::StoreLease& lease);
  core::Status write(std::string_view bytes);
  // Publishes the blob under its computed digest (see commit_computed).
  core::Result<IngestedLayer> commit();

 private:
  LayerIngest(store::BlobWriter writer, Hasher plain)
      : writer_(std::move(writer)), plain_(std::make_unique<Hasher>(std::move(plain))) {}
  core::Status decide(bool at_end);
  core::Status feed(std::string_view bytes);

  store::BlobWriter writer_;
  // Behind a pointer so the inflater's sink can keep hashing into it after moves.
  std::unique_ptr<Hasher> plain_;
  std::string head_;  // first bytes, until the compression is known
  std::optional<media_type::Compression> compression_;
  std::optional<GzipInflater> inflater_;
};

}  // namespace oci::transport
