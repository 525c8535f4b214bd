#include "oci/transport/layer_ingest.h"

namespace oci::transport {
namespace {

constexpr std::string_view kGzipMagic("\x1f\x8b", 2);
constexpr std::string_view kZstdMagic("\x28\xb5\x2f\xfd", 4);

}  // namespace

core::Result<LayerIngest> LayerIngest::create(const store::StoreLease& lease) {
  auto writer = lease.writer();
  if (!writer) return writer.error();
  auto hasher = Hasher::create(DigestAlgorithm::kSha256);
  if (!hasher) return hasher.error();
  return LayerIngest(std::move(writer).value(), std::move(hasher).value());
}

core::Status LayerIngest::decide(bool at_end) {
  if (!at_end && head_.size() < kZstdMagic.size()) return {};
  if (head_.starts_with(kZstdMagic)) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "zstd-compressed layer tars are not supported");
  }
  if (head_.starts_with(kGzipMagic)) {
    compression_ = media_type::Compression::kGzip;
    Hasher* plain = plain_.get();
    auto inflater = GzipInflater::create([plain](std::string_view bytes) -> core::Status {
      plain->update(bytes);
      return {};
    });
    if (!inflater) return inflater.error();
    inflater_.emplace(std::move(inflater).value());
  } else {
    compression_ = media_type::Compression::kNone;
  }
  std::string head = std::move(head_);
  head_.clear();
  return feed(head);
}

core::Status LayerIngest::feed(std::string_view bytes) {
  if (auto s = writer_.write(bytes); !s) return s;
  if (inflater_) return inflater_->write(bytes);
  plain_->update(bytes);
  return {};
}

core::Status LayerIngest::write(std::string_view bytes) {
  if (compression_) return feed(bytes);
  std::size_t take = std::min(bytes.size(), kZstdMagic.size() - head_.size());
  head_.append(bytes.substr(0, take));
  if (auto s = decide(false); !s) return s;
  return compression_ ? feed(bytes.substr(take)) : core::Status();
}

core::Result<IngestedLayer> LayerIngest::commit() {
  if (!compression_) {
    if (auto s = decide(true); !s) return s.error();
  }
  if (inflater_) {
    if (auto s = inflater_->finish(); !s) return s.error();
  }
  IngestedLayer layer;
  layer.size = writer_.bytes_written();
  layer.compression = *compression_;
  layer.diff_id = plain_->finish();
  auto digest = writer_.commit_computed();
  if (!digest) return digest.error();
  layer.digest = std::move(digest).value();
  return layer;
}

}  // namespace oci::transport
