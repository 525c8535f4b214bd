#include "oci/digest.h"

#include <gtest/gtest.h>

#include <string>

#include "test_documents.h"

namespace oci {
namespace {

const std::string kEmpty512 =
    "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d"
    "2877eec2f63b931bd47417a81a538327af927da3e";
const std::string kAbc512 =
    "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c2"
    "3a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

TEST(DigestTest, ParsesSha256AndSha512) {
  auto d = Digest::parse(testing::kAbcSha256);
  ASSERT_TRUE(d.is_ok()) << d.error().to_string();
  EXPECT_EQ(d.value().algorithm(), "sha256");
  EXPECT_EQ(d.value().encoded(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(d.value().algorithm_id(), DigestAlgorithm::kSha256);
  EXPECT_TRUE(d.value().supported());
  auto e = Digest::parse(kAbc512);
  ASSERT_TRUE(e.is_ok()) << e.error().to_string();
  EXPECT_EQ(e.value().algorithm_id(), DigestAlgorithm::kSha512);
}

TEST(DigestTest, OtherAlgorithmsParseButAreUnsupported) {
  for (const char* text : {"blake3:abcDEF012=_-", "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g",
                           "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"}) {
    auto d = Digest::parse(text);
    ASSERT_TRUE(d.is_ok()) << text << ": " << d.error().to_string();
    EXPECT_FALSE(d.value().supported()) << text;
    EXPECT_EQ(d.value().algorithm_id(), DigestAlgorithm::kUnsupported);
    core::Status s = verify_digest(d.value(), "abc");
    ASSERT_FALSE(s.is_ok());
    EXPECT_NE(s.error().message().find("unsupported digest algorithm"), std::string::npos)
        << s.to_string();
  }
  EXPECT_FALSE(Hasher::create(DigestAlgorithm::kUnsupported).is_ok());
}

TEST(DigestTest, RefusesMalformedDigests) {
  struct Case {
    std::string text;
    std::string why;
  };
  const std::string hex64 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  std::string upper = hex64;
  upper[0] = 'B';
  const Case cases[] = {
      {"sha256:" + upper, "lower-case hex"},
      {"sha256:" + hex64.substr(1), "64 hex digits, found 63"},
      {"sha256:" + hex64 + "0", "64 hex digits, found 65"},
      {"sha512:" + hex64, "128 hex digits, found 64"},
      {hex64, "no ':'"},
      {":" + hex64, "empty algorithm"},
      {"sha256:", "empty encoded"},
      {"SHA256:" + hex64, "lower-case letters"},
      {"sha256-:abc", "ends with a separator"},
      {"sha--256:abc", "separated by single"},
      {"-sha:abc", "separated by single"},
      {"foo:ab/cd", "may hold only"},
      {"foo:ab:cd", "may hold only"},
      {"sha256:" + hex64.substr(0, 63) + "g", "lower-case hex"},
      {"", "no ':'"},
  };
  for (const Case& c : cases) {
    auto d = Digest::parse(c.text);
    ASSERT_FALSE(d.is_ok()) << c.text;
    EXPECT_EQ(d.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(d.error().message().find(c.why), std::string::npos)
        << c.text << ": " << d.error().message();
  }
}

TEST(DigestTest, KnownVectors) {
  EXPECT_EQ(Digest::sha256_of("").str(), testing::kEmptySha256);
  EXPECT_EQ(Digest::sha256_of("abc").str(), testing::kAbcSha256);
  EXPECT_EQ(Digest::of(DigestAlgorithm::kSha512, "").str(), kEmpty512);
  EXPECT_EQ(Digest::of(DigestAlgorithm::kSha512, "abc").str(), kAbc512);
  // A computed digest is a parsed one: same value, same parts.
  Digest computed = Digest::sha256_of("abc");
  EXPECT_EQ(computed, Digest::parse(testing::kAbcSha256).value());
  EXPECT_EQ(computed.algorithm(), "sha256");
  EXPECT_EQ(computed.encoded().size(), 64u);
}

TEST(DigestTest, StreamingInChunksEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 100000; ++i)
    data += static_cast<char>(i * 131 % 251);
  for (DigestAlgorithm algorithm : {DigestAlgorithm::kSha256, DigestAlgorithm::kSha512}) {
    Digest one_shot = Digest::of(algorithm, data);
    auto hasher = Hasher::create(algorithm);
    ASSERT_TRUE(hasher.is_ok());
    for (std::size_t chunk : {1u, 7u, 4096u, 65536u}) {
      for (std::size_t at = 0; at < data.size(); at += chunk) {
        hasher.value().update(std::string_view(data).substr(at, chunk));
      }
      EXPECT_EQ(hasher.value().bytes_hashed(), data.size());
      // finish() starts over, so the same hasher serves each chunk size.
      EXPECT_EQ(hasher.value().finish(), one_shot) << "chunk " << chunk;
    }
  }
}

TEST(DigestTest, HasherIsMovable) {
  auto created = Hasher::create(DigestAlgorithm::kSha256);
  ASSERT_TRUE(created.is_ok());
  Hasher a = std::move(created).value();
  a.update("a");
  Hasher b = std::move(a);
  b.update("bc");
  EXPECT_EQ(b.finish().str(), testing::kAbcSha256);
}

TEST(DigestTest, VerifyAcceptsMatchAndNamesBothDigestsOnMismatch) {
  Digest abc = Digest::parse(testing::kAbcSha256).value();
  EXPECT_TRUE(verify_digest(abc, "abc").is_ok());
  core::Status s = verify_digest(abc, "abd");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message().find("expected " + abc.str()), std::string::npos);
  EXPECT_NE(s.error().message().find("computed sha256:"), std::string::npos);
  EXPECT_TRUE(verify_digest(Digest::parse(kAbc512).value(), "abc").is_ok());
  EXPECT_FALSE(verify_digest(Digest(), "abc").is_ok());
}

TEST(DigestTest, OrdersAndComparesAsText) {
  Digest a = Digest::parse(testing::kAbcSha256).value();
  Digest e = Digest::parse(testing::kEmptySha256).value();
  EXPECT_LT(a, e);
  EXPECT_NE(a, e);
  EXPECT_TRUE(Digest().empty());
}

}  // namespace
}  // namespace oci
