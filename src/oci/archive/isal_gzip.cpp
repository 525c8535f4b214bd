// oci/archive/isal_gzip.cpp: the gzip decompressor, ISA-L's isal_inflate.
//
// ISA-L (crc_flag = ISAL_GZIP) parses one member's header, inflates it and
// checks the trailer's CRC32 and length, then sets block_state to
// ISAL_BLOCK_FINISH with next_in at the first byte after the trailer. It does
// not go on to the next member by itself, so this class does: when bytes
// arrive after a finished member it resets the state and starts another.
// That is what makes `cat a.gz b.gz` streams, and pigz/gzip output written in
// pieces, decompress whole.
#include <isa-l.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "oci/archive/codecs.h"

namespace oci::archive {

namespace {

const char* isal_error_text(int ret) {
  switch (ret) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid lookback distance";
    case ISAL_INVALID_WRAPPER:
      return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "CRC or length check failed";
    default:
      return "decompression failed";
  }
}

class IsalGzip final : public Decompressor {
 public:
  IsalGzip() : state_(std::make_unique<inflate_state>()) { start_member(); }

  core::Result<Progress> step(std::string_view in, std::span<char> out) override {
    if (!failed_.is_ok()) return failed_.error();
    if (in.empty() && phase_ != Phase::kInMember) return Progress{};
    if (phase_ == Phase::kBetween) {
      // Another member must start with the magic; say "trailing garbage"
      // rather than ISA-L's "invalid header" for anything else.
      if (static_cast<unsigned char>(in[0]) != 0x1f ||
          (in.size() > 1 && static_cast<unsigned char>(in[1]) != 0x8b)) {
        return fail("trailing garbage after gzip member " + std::to_string(members_));
      }
      start_member();
    }
    phase_ = Phase::kInMember;

    // ISA-L counts in uint32_t; larger pieces are taken in several steps.
    constexpr std::size_t kMax = std::numeric_limits<std::uint32_t>::max();
    auto in_size = static_cast<std::uint32_t>(std::min(in.size(), kMax));
    auto out_size = static_cast<std::uint32_t>(std::min(out.size(), kMax));
    state_->next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
    state_->avail_in = in_size;
    state_->next_out = reinterpret_cast<std::uint8_t*>(out.data());
    state_->avail_out = out_size;
    if (!header_read_) {
      // The header goes through isal_read_gzip_header with a header struct
      // that lives across calls: isal_inflate parses it with a struct of its
      // own that it resets on every call, so a header with a header CRC
      // (FHCRC) split across two pieces would fail its check.
      int ret = isal_read_gzip_header(state_.get(), &header_);
      if (ret == ISAL_END_INPUT) return Progress{in_size - state_->avail_in, 0};
      if (ret != ISAL_DECOMP_OK) {
        return fail(std::string("gzip member ") + std::to_string(members_ + 1) + ": " +
                    isal_error_text(ret));
      }
      header_read_ = true;
    }
    int ret = isal_inflate(state_.get());
    if (ret < 0) {
      return fail(std::string("gzip member ") + std::to_string(members_ + 1) + ": " +
                  isal_error_text(ret));
    }
    Progress progress{in_size - state_->avail_in, out_size - state_->avail_out};
    if (state_->block_state == ISAL_BLOCK_FINISH) {
      phase_ = Phase::kBetween;
      ++members_;
    }
    return progress;
  }

  core::Status finish() override {
    if (!failed_.is_ok()) return failed_;
    switch (phase_) {
      case Phase::kStart:
        return fail("gzip: empty stream").status();
      case Phase::kInMember:
        return fail("gzip: truncated stream (member " + std::to_string(members_ + 1) +
                    " incomplete)")
            .status();
      case Phase::kBetween:
        break;
    }
    return core::Status::ok();
  }

 private:
  enum class Phase {
    kStart,     // no byte seen yet
    kInMember,  // inside a member (header, data or trailer)
    kBetween,   // after a member's trailer
  };

  void start_member() {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
    isal_gzip_header_init(&header_);  // name, extra, comment: not kept (null buffers)
    header_read_ = false;
  }

  core::Result<Progress> fail(std::string message) {
    failed_ = core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
    return failed_.error();
  }

  std::unique_ptr<inflate_state> state_;  // ~40 KiB of tables: on the heap
  isal_gzip_header header_{};             // the current member's header, parsed so far
  bool header_read_ = false;
  Phase phase_ = Phase::kStart;
  std::size_t members_ = 0;  // members completed
  core::Status failed_;
};

}  // namespace

std::unique_ptr<Decompressor> make_gzip_decompressor() {
  return std::make_unique<IsalGzip>();
}

}  // namespace oci::archive
