#include "oci/transport/gzip_stream.h"

#include <zlib.h>

#include <string>
#include <vector>

namespace oci::transport {
namespace {

constexpr std::size_t kOutChunk = 256u << 10;
constexpr int kGzipWindow = 15 + 16;  // 15-bit window, gzip wrapper

core::Error zlib_error(const char* what, const z_stream& z, int code) {
  std::string message = std::string(what) + ": " + (z.msg ? z.msg : zError(code));
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

struct GzipDeflater::State {
  z_stream z{};
  ChunkSink sink;
  std::vector<unsigned char> out = std::vector<unsigned char>(kOutChunk);
  ~State() { deflateEnd(&z); }

  core::Status run(std::string_view in, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    for (;;) {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      int r = deflate(&z, flush);
      if (r == Z_STREAM_ERROR) return zlib_error("gzip", z, r);
      std::size_t n = out.size() - z.avail_out;
      if (n > 0) {
        if (auto s = sink(std::string_view(reinterpret_cast<char*>(out.data()), n)); !s) return s;
      }
      if (flush == Z_FINISH ? r == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) return {};
    }
  }
};

core::Result<GzipDeflater> GzipDeflater::create(const ChunkSink& sink) {
  auto state = std::make_shared<State>();
  state->sink = sink;
  int r = deflateInit2(&state->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindow, 8,
                       Z_DEFAULT_STRATEGY);
  if (r != Z_OK) return core::Error(core::ErrorCode::kInternal, "deflateInit2 failed");
  return GzipDeflater(std::move(state));
}

core::Status GzipDeflater::write(std::string_view plain) {
  // zlib counts in uInt: feed very large spans in pieces.
  while (!plain.empty()) {
    std::string_view piece = plain.substr(0, 1u << 30);
    if (auto s = state_->run(piece, Z_NO_FLUSH); !s) return s;
    plain.remove_prefix(piece.size());
  }
  return {};
}

core::Status GzipDeflater::finish() {
  return state_->run({}, Z_FINISH);
}

struct GzipInflater::State {
  z_stream z{};
  ChunkSink sink;
  std::vector<unsigned char> out = std::vector<unsigned char>(kOutChunk);
  bool in_member = false;  // inside a member that has not ended yet
  bool ended_one = false;  // a whole member was read
  bool padding = false;    // past the last member, in trailing NULs
  ~State() { inflateEnd(&z); }
  core::Status run(std::string_view compressed);
};

core::Result<GzipInflater> GzipInflater::create(const ChunkSink& sink) {
  auto state = std::make_shared<State>();
  state->sink = sink;
  if (inflateInit2(&state->z, kGzipWindow) != Z_OK) {
    return core::Error(core::ErrorCode::kInternal, "inflateInit2 failed");
  }
  return GzipInflater(std::move(state));
}

core::Status GzipInflater::write(std::string_view compressed) {
  // zlib counts in uInt: feed very large spans in pieces.
  while (!compressed.empty()) {
    std::string_view piece = compressed.substr(0, 1u << 30);
    if (auto s = state_->run(piece); !s) return s;
    compressed.remove_prefix(piece.size());
  }
  return {};
}

core::Status GzipInflater::State::run(std::string_view compressed) {
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  bool output_pending = false;  // the last call filled the buffer: there may be more
  while (z.avail_in > 0 || output_pending) {
    if (!in_member && ended_one && z.avail_in > 0 && (padding || *z.next_in == 0)) {
      // NULs after the last member (tar blocking, dd) are padding, as gzip -d
      // reads them; anything after the padding is not.
      padding = true;
      if (*z.next_in != 0) {
        return core::Error(core::ErrorCode::kInvalidArgument, "gunzip: data after padding");
      }
      ++z.next_in;
      --z.avail_in;
      continue;
    }
    if (z.avail_in > 0) in_member = true;
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    int r = inflate(&z, Z_NO_FLUSH);
    if (r == Z_BUF_ERROR && z.avail_in == 0) return {};  // needs more input
    if (r != Z_OK && r != Z_STREAM_END) return zlib_error("gunzip", z, r);
    std::size_t n = out.size() - z.avail_out;
    if (n > 0) {
      if (auto s = sink(std::string_view(reinterpret_cast<char*>(out.data()), n)); !s) return s;
    }
    output_pending = z.avail_out == 0;
    if (r == Z_STREAM_END) {
      in_member = false;
      ended_one = true;
      output_pending = false;
      if (inflateReset(&z) != Z_OK) return zlib_error("gunzip", z, r);
    }
  }
  return {};
}

core::Status GzipInflater::finish() {
  if (state_->in_member) {
    return core::Error(core::ErrorCode::kInvalidArgument, "gunzip: truncated gzip stream");
  }
  return {};
}

}  // namespace oci::transport
