// oci/archive/decompressor.cpp: Decompressor::create, write() on top of the
// codecs' step(), and the pass-through codec for uncompressed layers.
#include "oci/archive/decompressor.h"

#include <algorithm>
#include <cstring>

#include "oci/archive/codecs.h"

namespace oci::archive {

namespace {

// write()'s buffer: big enough that a 1 MiB compressed piece comes out in a
// few callbacks, small enough to stay in cache-friendly territory.
constexpr std::size_t kWriteBufferBytes = 1 << 20;

class Passthrough final : public Decompressor {
 public:
  core::Result<Progress> step(std::string_view in, std::span<char> out) override {
    std::size_t n = std::min(in.size(), out.size());
    if (n > 0) std::memcpy(out.data(), in.data(), n);  // an empty view may be null
    return Progress{n, n};
  }
  core::Status finish() override { return core::Status::ok(); }
};

}  // namespace

std::unique_ptr<Decompressor> make_passthrough() {
  return std::make_unique<Passthrough>();
}

core::Result<std::unique_ptr<Decompressor>> Decompressor::create(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return make_passthrough();
    case Compression::kGzip:
      return make_gzip_decompressor();
    case Compression::kZstd:
      return make_zstd_decompressor();
  }
  return core::Error(core::ErrorCode::kInvalidArgument, "unknown compression");
}

core::Status Decompressor::write(std::string_view in,
                                 const std::function<core::Status(std::string_view)>& out) {
  if (!buffer_) buffer_ = std::make_unique_for_overwrite<char[]>(kWriteBufferBytes);
  std::span<char> buffer(buffer_.get(), kWriteBufferBytes);
  // A full buffer means the codec may hold more output: keep stepping, with
  // the input drained or not, until a step leaves room.
  for (;;) {
    auto progress = step(in, buffer);
    if (!progress) return progress.status();
    in.remove_prefix(progress.value().consumed);
    if (progress.value().produced > 0) {
      core::Status status = out(std::string_view(buffer.data(), progress.value().produced));
      if (!status) return status;
    }
    bool full = progress.value().produced == buffer.size();
    if (in.empty() && !full) return core::Status::ok();
    if (!full && progress.value().consumed == 0 && progress.value().produced == 0) {
      return core::Error(core::ErrorCode::kInternal, "decompressor made no progress");
    }
  }
}

}  // namespace oci::archive
