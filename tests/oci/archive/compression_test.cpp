// tests/oci/archive/compression_test.cpp: media type and magic-byte rules.
#include "oci/archive/compression.h"

#include <gtest/gtest.h>

#include "oci/media_types.h"

namespace oci::archive {
namespace {

TEST(CompressionForMediaType, KnowsEveryLayerType) {
  struct Case {
    std::string_view type;
    Compression expected;
  } cases[] = {
      {media_type::kOciLayerTar, Compression::kNone},
      {media_type::kOciLayerTarGzip, Compression::kGzip},
      {media_type::kOciLayerTarZstd, Compression::kZstd},
      {media_type::kOciLayerNondistributableTar, Compression::kNone},
      {media_type::kOciLayerNondistributableTarGzip, Compression::kGzip},
      {media_type::kOciLayerNondistributableTarZstd, Compression::kZstd},
      {media_type::kDockerLayerTarGzip, Compression::kGzip},
      {media_type::kDockerLayerForeignTarGzip, Compression::kGzip},
      {media_type::kDockerLayerTar, Compression::kNone},
  };
  for (const Case& c : cases) {
    auto got = compression_for_media_type(c.type);
    ASSERT_TRUE(got.is_ok()) << c.type;
    EXPECT_EQ(got.value(), c.expected) << c.type;
  }
}

TEST(CompressionForMediaType, RefusesOtherTypes) {
  for (std::string_view type :
       {media_type::kOciManifest, media_type::kOciConfig, std::string_view("application/x-tar"),
        std::string_view(""), std::string_view("application/vnd.oci.image.layer.v1.tar+bzip2")}) {
    auto got = compression_for_media_type(type);
    ASSERT_FALSE(got.is_ok()) << type;
    EXPECT_EQ(got.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().context().field, "mediaType");
    EXPECT_NE(
        got.error().message().find("unsupported layer media type '" + std::string(type) + "'"),
        std::string::npos)
        << got.error().message();
  }
}

TEST(SniffCompression, ByMagic) {
  EXPECT_EQ(sniff_compression(std::string_view("\x1f\x8b\x08\x00", 4)), Compression::kGzip);
  EXPECT_EQ(sniff_compression(std::string_view("\x28\xb5\x2f\xfd\x00", 5)), Compression::kZstd);
  EXPECT_EQ(sniff_compression("ustar"), Compression::kNone);
  EXPECT_EQ(sniff_compression(""), Compression::kNone);
  EXPECT_EQ(sniff_compression(std::string_view("\x1f", 1)), Compression::kNone);
  EXPECT_EQ(sniff_compression(std::string_view("\x28\xb5\x2f", 3)), Compression::kNone);
}

}  // namespace
}  // namespace oci::archive
