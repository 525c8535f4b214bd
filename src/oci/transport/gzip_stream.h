// oci/transport/gzip_stream.h: streaming gzip in both directions with zlib
// (internal to src/oci/transport).
//
// A layer's diff_id is the digest of its *uncompressed* tar, so both building
// a gzip layer and importing one from a docker archive need the plain bytes
// and the gzip bytes side by side, chunk by chunk, without either ever being
// whole in memory. libarchive's gzip filter hides the plain bytes, so zlib is
// driven directly. The encoder writes no timestamp or name in the header
// (zlib's default), so equal input gives equal output.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/error.h"

namespace oci::transport {

// Receives output chunks; an error stops the stream.
using ChunkSink = std::function<core::Status(std::string_view)>;

class GzipDeflater {
 public:
  static core::Result<GzipDeflater> create(const ChunkSink& sink);
  core::Status write(std::string_view plain);
  core::Status finish();  // writes the trailer

 private:
  struct State;
  explicit GzipDeflater(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// Accepts concatenated gzip members (pigz, some docker versions) and NUL
// padding after the last one (as gzip -d does).
class GzipInflater {
 public:
  static core::Result<GzipInflater> create(const ChunkSink& sink);
  // kInvalidArgument for corrupt data.
  core::Status write(std::string_view compressed);
  // kInvalidArgument when the stream ended inside a member.
  core::Status finish();

 private:
  struct State;
  explicit GzipInflater(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace oci::transport
