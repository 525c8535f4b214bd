// oci/archive/decompressor.h: streaming decompression of a layer blob
// (gzip through ISA-L, zstd through libzstd, or none), in whatever pieces the
// bytes arrive.
//
// Two ways in, one codec underneath:
//  * step() is the codec's primitive: it decompresses some of `in` into the
//    caller's buffer and says how much it consumed and produced. A pipeline
//    that owns its output buffers (LayerSources' recycled chunks) decompresses
//    straight into them, with no copy.
//  * write() feeds a whole piece and pushes every produced chunk to a
//    callback, for callers that do not care where the bytes live.
// finish() then says whether the stream was complete.
//
// Stream rules, the same for both codecs:
//  * several gzip members (what `cat a.gz b.gz` gives) or zstd frames
//    (including skippable frames) follow each other and decompress to the
//    concatenation;
//  * an empty stream (zero bytes) is not a valid gzip or zstd stream;
//  * anything after the last member that is not another member is an error,
//    zero padding included: Go's compress/gzip (containerd, Docker) refuses
//    it too, and a digest-named blob has no reason to carry it.
// Corrupt input, a failed CRC/checksum, trailing garbage and a stream cut
// short (finish() in the middle of a member) are kInvalidArgument naming the
// codec. After an error the decompressor stays failed.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "core/error.h"
#include "oci/archive/compression.h"

namespace oci::archive {

class Decompressor {
 public:
  struct Progress {
    std::size_t consumed = 0;  // bytes of `in` used
    std::size_t produced = 0;  // bytes written at the start of `out`
  };

  static core::Result<std::unique_ptr<Decompressor>> create(Compression compression);
  virtual ~Decompressor() = default;

  // Decompresses from `in` into `out`. Consumes or produces something unless
  // `in` is empty and nothing is pending, or `out` is empty; output may stay
  // pending inside the codec when `out` fills, so call again (with empty `in`
  // if need be) until nothing is produced.
  virtual core::Result<Progress> step(std::string_view in, std::span<char> out) = 0;
  // The stream must be complete: every member/frame ended, nothing pending.
  virtual core::Status finish() = 0;

  // Decompresses all of `in`, calling `out` with each produced chunk (views
  // of an internal buffer, valid during the call); stops at the first error,
  // the codec's or the callback's.
  core::Status write(std::string_view in, const std::function<core::Status(std::string_view)>& out);

 private:
  std::unique_ptr<char[]> buffer_;  // write()'s output buffer, made on first use
};

}  // namespace oci::archive
