// oci/archive/verified_layer.h: one layer blob read from the content store,
// decompressed and verified as it streams: the single-threaded unit that
// LayerSources runs ahead in background threads.
//
// Nothing in a layer is trusted until its end: the compressed bytes are
// hashed and counted against the descriptor's digest and size, and the
// decompressed bytes are hashed against the image config's DiffID. A
// mismatch is therefore reported by the call that would otherwise return the
// end of the stream (0 bytes / an empty view), as byte_source.h asks:
//   "layer sha256:...: digest mismatch: expected ..., computed ..."
// with context().field "digest", "diff_id" or "size" (a blob longer than its
// descriptor fails as soon as it is, so a huge file is not read to the end).
// Decompression errors surface where they happen, also prefixed with the
// layer's digest. The compression comes from the descriptor's media type, or
// from the first bytes when the media type is empty (docker-archive layers).
// After an error every call returns the same error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "oci/archive/byte_source.h"
#include "oci/archive/decompressor.h"
#include "oci/archive/file_source.h"
#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/store/store.h"

namespace oci::archive {

struct LayerSpec {
  Descriptor blob;  // media type (may be empty: sniffed), digest, size
  Digest diff_id;   // the uncompressed tar's digest; empty: not checked
};

// Who hashes the decompressed bytes against the DiffID: the layer itself, or
// the caller that consumes them (LayerSources does, on the reader's thread,
// so that the thread decompressing ahead has less to do).
enum class DiffIdCheck { kInline, kByCaller };

// "layer <digest>: diff_id mismatch: expected ..., computed ..." (or
// "digest mismatch"), field `field`: the one message for every such check.
core::Error layer_mismatch(const Descriptor& blob, std::string_view field, const Digest& expected,
                           const Digest& computed);

class VerifiedLayer final : public ByteSource {
 public:
  // Opens the blob. Errors, all prefixed "layer <digest>: ": an unsupported
  // media type (field "mediaType") or digest algorithm (field "digest" or
  // "diff_id", checked even when the caller hashes the DiffID), and the
  // store's own (kNotFound for a missing blob).
  static core::Result<std::unique_ptr<VerifiedLayer>> open(
      const store::Store& store, const LayerSpec& spec,
      DiffIdCheck diff_id_check = DiffIdCheck::kInline);

  // Decompresses into `out` until it is full or the stream ends; 0 at the
  // (verified) end. For callers that own their buffers (no copy); `out`
  // must not be empty (kFailedPrecondition).
  core::Result<std::size_t> read(std::span<char> out);
  // ByteSource: read() into an internal 1 MiB buffer.
  core::Result<std::string_view> next() override;

 private:
  VerifiedLayer(LayerSpec spec, FileSource file, std::optional<Compression> compression,
                Hasher blob_hasher, std::optional<Hasher> diff_hasher);
  core::Status fill();        // reads the next compressed piece into pending_
  core::Status verify_end();  // size, digest, complete stream, diff_id
  core::Error layer_error(const core::Error& error) const;

  LayerSpec spec_;
  FileSource file_;
  std::optional<Compression> compression_;  // unset until sniffed
  std::unique_ptr<Decompressor> decompressor_;
  Hasher blob_hasher_;
  std::optional<Hasher> diff_hasher_;
  std::unique_ptr<char[]> in_buffer_;   // compressed bytes, FileSource::kReadBytes
  std::string_view pending_;            // of in_buffer_, not yet decompressed
  std::unique_ptr<char[]> out_buffer_;  // next()'s
  std::uint64_t compressed_bytes_ = 0;
  bool eof_ = false;
  bool done_ = false;
  core::Status failed_;
};

}  // namespace oci::archive
