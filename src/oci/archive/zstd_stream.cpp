// oci/archive/zstd_stream.cpp: the zstd decompressor, libzstd's streaming
// ZSTD_decompressStream.
//
// ZSTD_decompressStream returns 0 exactly when a frame is complete and fully
// flushed, and starts the next frame (or skips a skippable one) on its own,
// so "the stream is complete" is "the last call returned 0 and no byte came
// after it". The window is limited to libzstd's default (2^27 = 128 MiB),
// what `zstd` writes without --long; a frame that needs more is refused
// rather than allowed to claim gigabytes.
#include <zstd.h>
#include <zstd_errors.h>

#include <string>

#include "oci/archive/codecs.h"

namespace oci::archive {

namespace {

struct DStreamFree {
  void operator()(ZSTD_DStream* stream) const { ZSTD_freeDStream(stream); }
};

class ZstdStream final : public Decompressor {
 public:
  ZstdStream() : stream_(ZSTD_createDStream()) {
    if (!stream_) {
      failed_ = core::Error(core::ErrorCode::kInternal, "zstd: cannot allocate a stream");
    } else {
      ZSTD_initDStream(stream_.get());
    }
  }

  core::Result<Progress> step(std::string_view in, std::span<char> out) override {
    if (!failed_.is_ok()) return failed_.error();
    if (in.empty() && frame_complete_) return Progress{};
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    std::size_t ret = ZSTD_decompressStream(stream_.get(), &output, &input);
    if (ZSTD_isError(ret)) {
      std::string message = "zstd: ";
      message += ZSTD_getErrorName(ret);
      if (frame_complete_ && ZSTD_getErrorCode(ret) == ZSTD_error_prefix_unknown) {
        message = "trailing garbage after zstd frame " + std::to_string(frames_);
      }
      failed_ = core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
      return failed_.error();
    }
    if (input.pos > 0) seen_input_ = true;
    // 0: a frame ended in this call (a call never runs past a frame's end);
    // more input would start the next one.
    if (ret == 0) ++frames_;
    frame_complete_ = ret == 0;
    return Progress{input.pos, output.pos};
  }

  core::Status finish() override {
    if (!failed_.is_ok()) return failed_;
    if (!seen_input_) {
      failed_ = core::Error(core::ErrorCode::kInvalidArgument, "zstd: empty stream");
    } else if (!frame_complete_) {
      failed_ = core::Error(
          core::ErrorCode::kInvalidArgument,
          "zstd: truncated stream (frame " + std::to_string(frames_ + 1) + " incomplete)");
    }
    return failed_;
  }

 private:
  std::unique_ptr<ZSTD_DStream, DStreamFree> stream_;
  bool seen_input_ = false;
  bool frame_complete_ = false;
  std::size_t frames_ = 0;
  core::Status failed_;
};

}  // namespace

std::unique_ptr<Decompressor> make_zstd_decompressor() {
  return std::make_unique<ZstdStream>();
}

}  // namespace oci::archive
