// tests/oci/archive/decompressor_test.cpp: the gzip (ISA-L) and zstd
// decompressors against the real command-line tools' output, in pieces of
// every size, and every way a stream can be broken.
#include "oci/archive/decompressor.h"

#include <gtest/gtest.h>

#include "archive_test_data.h"

namespace oci::archive {
namespace {

using testing::gzip;
using testing::layer_data;
using testing::zstd;

std::unique_ptr<Decompressor> make(Compression c) {
  auto d = Decompressor::create(c);
  EXPECT_TRUE(d.is_ok());
  return std::move(d).value();
}

// Feeds `in` in pieces of `piece` bytes; the output, or the first error
// (from write or finish).
core::Result<std::string> decompress(Compression c, std::string_view in,
                                     std::size_t piece = 64 << 10) {
  auto d = make(c);
  std::string out;
  auto append = [&](std::string_view chunk) {
    out.append(chunk);
    return core::Status::ok();
  };
  for (std::size_t pos = 0; pos < in.size(); pos += piece) {
    core::Status s = d->write(in.substr(pos, piece), append);
    if (!s) return s.error();
  }
  core::Status s = d->finish();
  if (!s) return s.error();
  return out;
}

class CodecTest : public ::testing::TestWithParam<Compression> {
 protected:
  std::string compress(const std::string& data) const {
    return GetParam() == Compression::kGzip ? gzip(data) : zstd(data);
  }
  std::string name() const { return GetParam() == Compression::kGzip ? "gzip" : "zstd"; }
};

TEST_P(CodecTest, RoundTripsTheToolsOutput) {
  std::string data = layer_data(3 << 20, 1);
  auto out = decompress(GetParam(), compress(data));
  ASSERT_TRUE(out.is_ok()) << out.error().to_string();
  EXPECT_TRUE(out.value() == data);
}

TEST_P(CodecTest, OneBytePieces) {
  std::string data = layer_data(100 << 10, 2);
  auto out = decompress(GetParam(), compress(data), 1);
  ASSERT_TRUE(out.is_ok()) << out.error().to_string();
  EXPECT_TRUE(out.value() == data);
}

TEST_P(CodecTest, WholeStreamInOneWrite) {
  std::string data = layer_data(2 << 20, 3);
  std::string packed = compress(data);
  auto out = decompress(GetParam(), packed, packed.size());
  ASSERT_TRUE(out.is_ok()) << out.error().to_string();
  EXPECT_TRUE(out.value() == data);
}

TEST_P(CodecTest, StepIntoATinyBuffer) {
  std::string data = layer_data(50 << 10, 4);
  std::string packed = compress(data);
  auto d = make(GetParam());
  std::string out;
  char buffer[7];
  std::string_view in = packed;
  for (;;) {
    auto p = d->step(in, std::span<char>(buffer, sizeof buffer));
    ASSERT_TRUE(p.is_ok()) << p.error().to_string();
    in.remove_prefix(p.value().consumed);
    out.append(buffer, p.value().produced);
    if (p.value().consumed == 0 && p.value().produced == 0) break;
  }
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(d->finish().is_ok());
  EXPECT_TRUE(out == data);
}

TEST_P(CodecTest, ConcatenatedMembersOrFrames) {
  std::string a = layer_data(300 << 10, 5), b = layer_data(200 << 10, 6), c = "tail";
  std::string packed = compress(a) + compress(b) + compress(c);
  for (std::size_t piece : {std::size_t{1}, std::size_t{1000}, packed.size()}) {
    auto out = decompress(GetParam(), packed, piece);
    ASSERT_TRUE(out.is_ok()) << piece << ": " << out.error().to_string();
    EXPECT_TRUE(out.value() == a + b + c) << piece;
  }
}

TEST_P(CodecTest, EmptyContentRoundTrips) {
  std::string packed = compress("");
  ASSERT_FALSE(packed.empty());
  auto out = decompress(GetParam(), packed);
  ASSERT_TRUE(out.is_ok()) << out.error().to_string();
  EXPECT_EQ(out.value(), "");
}

TEST_P(CodecTest, ZeroBytesIsNotAStream) {
  auto out = decompress(GetParam(), "");
  ASSERT_FALSE(out.is_ok());
  EXPECT_EQ(out.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(out.error().message().find(name() + ": empty stream"), std::string::npos)
      << out.error().message();
}

TEST_P(CodecTest, CorruptByteFails) {
  std::string packed = compress(layer_data(1 << 20, 7));
  // Past the header, in the compressed data: flipping bits there breaks the
  // block structure or, at worst, the checksum at the end.
  for (std::size_t at : {packed.size() / 3, packed.size() / 2, packed.size() - 6}) {
    std::string bad = packed;
    bad[at] = static_cast<char>(bad[at] ^ 0x55);
    auto out = decompress(GetParam(), bad);
    ASSERT_FALSE(out.is_ok()) << "flipped byte " << at;
    EXPECT_EQ(out.error().code(), core::ErrorCode::kInvalidArgument);
  }
}

TEST_P(CodecTest, TruncationFailsAtFinish) {
  std::string packed = compress(layer_data(500 << 10, 8));
  for (std::size_t keep : {std::size_t{1}, std::size_t{3}, packed.size() / 2, packed.size() - 1}) {
    auto d = make(GetParam());
    core::Status written = d->write(std::string_view(packed).substr(0, keep),
                                    [](std::string_view) { return core::Status::ok(); });
    ASSERT_TRUE(written.is_ok()) << keep << ": " << written.to_string();
    core::Status s = d->finish();
    ASSERT_FALSE(s.is_ok()) << "kept " << keep;
    EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find("truncated"), std::string::npos) << s.to_string();
  }
}

TEST_P(CodecTest, TrailingGarbageFails) {
  std::string packed = compress(layer_data(10 << 10, 9));
  for (std::string tail : {std::string("garbage"), std::string(512, '\0'), std::string("\x1f")}) {
    auto out = decompress(GetParam(), packed + tail);
    ASSERT_FALSE(out.is_ok()) << tail.size();
    EXPECT_EQ(out.error().code(), core::ErrorCode::kInvalidArgument);
  }
  auto out = decompress(GetParam(), packed + "garbage");
  ASSERT_FALSE(out.is_ok());
  EXPECT_NE(out.error().message().find("trailing garbage"), std::string::npos)
      << out.error().message();
}

TEST_P(CodecTest, ErrorsAreSticky) {
  auto d = make(GetParam());
  auto ignore = [](std::string_view) { return core::Status::ok(); };
  ASSERT_FALSE(d->write("definitely not compressed", ignore).is_ok());
  EXPECT_FALSE(d->write(compress("x"), ignore).is_ok());
  EXPECT_FALSE(d->finish().is_ok());
}

TEST_P(CodecTest, CallbackErrorStopsTheWrite) {
  auto d = make(GetParam());
  int calls = 0;
  core::Status s = d->write(compress(layer_data(4 << 20, 10)), [&](std::string_view) {
    ++calls;
    return core::Status(core::Error(core::ErrorCode::kCancelled, "consumer gave up"));
  });
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), core::ErrorCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

INSTANTIATE_TEST_SUITE_P(Codecs, CodecTest,
                         ::testing::Values(Compression::kGzip, Compression::kZstd),
                         [](const auto& info) {
                           return info.param == Compression::kGzip ? "gzip" : "zstd";
                         });

TEST(GzipDecompressor, MultiMemberAsGzipWritesIt) {
  // `gzip -c a b` writes one member per file.
  std::string a = layer_data(100 << 10, 11), b = layer_data(100 << 10, 12);
  std::string pattern = (std::filesystem::temp_directory_path() / "lx_archive_XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  std::filesystem::path dir = pattern;
  std::ofstream(dir / "a", std::ios::binary) << a;
  std::ofstream(dir / "b", std::ios::binary) << b;
  std::string command = "gzip -c '" + (dir / "a").string() + "' '" + (dir / "b").string() +
                        "' > '" + (dir / "ab.gz").string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::string packed = testing::slurp(dir / "ab.gz");
  std::filesystem::remove_all(dir);
  auto out = decompress(Compression::kGzip, packed, 4096);
  ASSERT_TRUE(out.is_ok()) << out.error().to_string();
  EXPECT_TRUE(out.value() == a + b);
}

// CRC-32 (gzip's polynomial), bit by bit: the test's own, for a gzip header CRC.
std::uint32_t crc32_of(std::string_view bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// The tool's gzip member rewritten with a file name and a header CRC
// (FNAME | FHCRC), which the gzip tool never writes but other writers do.
std::string with_header_crc(const std::string& member) {
  std::size_t body = 10;  // after the fixed header and the tool's own name, if any
  if (member[3] & 0x08) body = member.find('\0', 10) + 1;
  std::string header = member.substr(0, 10);
  header[3] = 0x02 | 0x08;
  header += std::string("layer.tar\0", 10);
  std::uint32_t crc = crc32_of(header);
  header += static_cast<char>(crc & 0xff);
  header += static_cast<char>((crc >> 8) & 0xff);
  return header + member.substr(body);
}

TEST(GzipDecompressor, HeaderCrcSplitAcrossPieces) {
  std::string a = layer_data(3000, 21), b = layer_data(3000, 22);
  std::string packed = with_header_crc(gzip(a)) + with_header_crc(gzip(b));
  for (std::size_t piece = 1; piece <= 17; ++piece) {
    auto out = decompress(Compression::kGzip, packed, piece);
    ASSERT_TRUE(out.is_ok()) << "pieces of " << piece << ": " << out.error().to_string();
    EXPECT_TRUE(out.value() == a + b) << "pieces of " << piece;
  }
  std::string corrupt = packed;
  corrupt[20] ^= 0x01;  // inside the first header's CRC
  EXPECT_FALSE(decompress(Compression::kGzip, corrupt, 3).is_ok());
}

TEST(GzipDecompressor, BadHeaderIsNamed) {
  auto out = decompress(Compression::kGzip, std::string("\x1f\x8b\x07\x00", 4) + "xxxxxxxxxx");
  ASSERT_FALSE(out.is_ok());
  EXPECT_NE(out.error().message().find("gzip member 1"), std::string::npos)
      << out.error().message();
}

TEST(ZstdDecompressor, SkippableFramesAreIgnored) {
  std::string skippable(std::string("\x50\x2a\x4d\x18\x03\x00\x00\x00", 8) + "abc");
  std::string packed = skippable + zstd("hello") + skippable;
  auto out = decompress(Compression::kZstd, packed, 2);
  ASSERT_TRUE(out.is_ok()) << out.error().to_string();
  EXPECT_EQ(out.value(), "hello");
}

TEST(Passthrough, CopiesAndAcceptsEmpty) {
  auto out = decompress(Compression::kNone, "plain tar bytes", 4);
  ASSERT_TRUE(out.is_ok());
  EXPECT_EQ(out.value(), "plain tar bytes");
  auto empty = decompress(Compression::kNone, "");
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty.value(), "");
}

}  // namespace
}  // namespace oci::archive
