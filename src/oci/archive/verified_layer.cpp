// oci/archive/verified_layer.cpp: see verified_layer.h.
#include "oci/archive/verified_layer.h"

#include <string>

namespace oci::archive {

namespace {

constexpr std::size_t kNextBytes = 1 << 20;

std::string layer_prefix(const Descriptor& blob) {
  return "layer " + blob.digest.str() + ": ";
}

core::Error prefixed(const Descriptor& blob, const core::Error& error) {
  return core::Error(error.code(), layer_prefix(blob) + error.message(), error.context());
}

}  // namespace

core::Error layer_mismatch(const Descriptor& blob, std::string_view field, const Digest& expected,
                           const Digest& computed) {
  std::string what = field == "diff_id" ? "diff_id mismatch" : "digest mismatch";
  return core::Error(core::ErrorCode::kInvalidArgument, layer_prefix(blob) + what + ": expected " +
                                                            expected.str() + ", computed " +
                                                            computed.str())
      .with_field(std::string(field));
}

core::Result<std::unique_ptr<VerifiedLayer>> VerifiedLayer::open(const store::Store& store,
                                                                 const LayerSpec& spec,
                                                                 DiffIdCheck diff_id_check) {
  std::optional<Compression> compression;
  if (!spec.blob.media_type.empty()) {
    auto c = compression_for_media_type(spec.blob.media_type);
    if (!c) return prefixed(spec.blob, c.error());
    compression = c.value();
  }
  auto blob_hasher = Hasher::create(spec.blob.digest.algorithm_id());
  if (!blob_hasher)
    return prefixed(spec.blob, core::Error(blob_hasher.error()).with_field("digest"));
  std::optional<Hasher> diff_hasher;
  if (!spec.diff_id.empty()) {
    auto h = Hasher::create(spec.diff_id.algorithm_id());
    if (!h) return prefixed(spec.blob, core::Error(h.error()).with_field("diff_id"));
    if (diff_id_check == DiffIdCheck::kInline) diff_hasher.emplace(std::move(h).value());
  }
  auto fd = store.open_blob(spec.blob.digest);
  if (!fd) return prefixed(spec.blob, fd.error());
  FileSource file(std::move(fd).value(), store.root() / "blobs" /
                                             std::string(spec.blob.digest.algorithm()) /
                                             std::string(spec.blob.digest.encoded()));
  return std::unique_ptr<VerifiedLayer>(new VerifiedLayer(
      spec, std::move(file), compression, std::move(blob_hasher).value(), std::move(diff_hasher)));
}

VerifiedLayer::VerifiedLayer(LayerSpec spec, FileSource file,
                             std::optional<Compression> compression, Hasher blob_hasher,
                             std::optional<Hasher> diff_hasher)
    : spec_(std::move(spec)),
      file_(std::move(file)),
      compression_(compression),
      blob_hasher_(std::move(blob_hasher)),
      diff_hasher_(std::move(diff_hasher)),
      in_buffer_(std::make_unique_for_overwrite<char[]>(FileSource::kReadBytes)) {}

core::Error VerifiedLayer::layer_error(const core::Error& error) const {
  return prefixed(spec_.blob, error);
}

core::Status VerifiedLayer::fill() {
  auto n = file_.read(std::span<char>(in_buffer_.get(), FileSource::kReadBytes));
  if (!n) return layer_error(n.error());
  std::string_view piece(in_buffer_.get(), n.value());
  if (piece.empty()) {
    eof_ = true;
  } else {
    compressed_bytes_ += piece.size();
    if (compressed_bytes_ > static_cast<std::uint64_t>(spec_.blob.size)) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         layer_prefix(spec_.blob) + "size mismatch: expected " +
                             std::to_string(spec_.blob.size) + " bytes, the blob is longer")
          .with_field("size");
    }
    blob_hasher_.update(piece);
    pending_ = piece;
  }
  if (!decompressor_) {
    // The first piece (or the end of an empty blob) decides an unknown
    // compression: files give whole reads, so it holds the magic if any.
    if (!compression_) compression_ = sniff_compression(piece);
    auto d = Decompressor::create(*compression_);
    if (!d) return layer_error(d.error());
    decompressor_ = std::move(d).value();
  }
  return core::Status::ok();
}

core::Status VerifiedLayer::verify_end() {
  if (compressed_bytes_ != static_cast<std::uint64_t>(spec_.blob.size)) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       layer_prefix(spec_.blob) + "size mismatch: expected " +
                           std::to_string(spec_.blob.size) + " bytes, read " +
                           std::to_string(compressed_bytes_))
        .with_field("size");
  }
  Digest computed = blob_hasher_.finish();
  if (computed != spec_.blob.digest)
    return layer_mismatch(spec_.blob, "digest", spec_.blob.digest, computed);
  if (core::Status s = decompressor_->finish(); !s) return layer_error(s.error());
  if (diff_hasher_) {
    Digest diff = diff_hasher_->finish();
    if (diff != spec_.diff_id) return layer_mismatch(spec_.blob, "diff_id", spec_.diff_id, diff);
  }
  return core::Status::ok();
}

core::Result<std::size_t> VerifiedLayer::read(std::span<char> out) {
  if (!failed_.is_ok()) return failed_.error();
  if (done_) return std::size_t{0};
  if (out.empty()) {  // 0 would mean "verified end"
    return core::Error(core::ErrorCode::kFailedPrecondition, "read into an empty buffer");
  }
  std::size_t produced = 0;
  while (produced < out.size()) {
    if (pending_.empty() && !eof_) {
      if (core::Status s = fill(); !s) {
        failed_ = s;
        return failed_.error();
      }
    }
    auto progress = decompressor_->step(pending_, out.subspan(produced));
    if (!progress) {
      failed_ = layer_error(progress.error());
      return failed_.error();
    }
    pending_.remove_prefix(progress.value().consumed);
    produced += progress.value().produced;
    if (progress.value().consumed == 0 && progress.value().produced == 0) {
      if (!pending_.empty()) {
        failed_ = layer_error(core::Error(core::ErrorCode::kInternal, "decompressor stalled"));
        return failed_.error();
      }
      if (eof_) break;
    }
  }
  if (produced > 0) {
    if (diff_hasher_) diff_hasher_->update(std::string_view(out.data(), produced));
    return produced;
  }
  if (core::Status s = verify_end(); !s) {
    failed_ = s;
    return failed_.error();
  }
  done_ = true;
  return std::size_t{0};
}

core::Result<std::string_view> VerifiedLayer::next() {
  if (!out_buffer_) out_buffer_ = std::make_unique_for_overwrite<char[]>(kNextBytes);
  auto n = read(std::span<char>(out_buffer_.get(), kNextBytes));
  if (!n) return n.error();
  return std::string_view(out_buffer_.get(), n.value());
}

}  // namespace oci::archive
