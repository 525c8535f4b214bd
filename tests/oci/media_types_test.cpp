#include "oci/media_types.h"

#include <gtest/gtest.h>

namespace oci::media_type {
namespace {

TEST(MediaTypeTest, ChecksRfc6838Syntax) {
  for (std::string_view ok :
       {kOciManifest, kOciIndex, kOciConfig, kOciLayerTarGzip, kDockerManifest, kDockerLayerTarGzip,
        std::string_view("application/vnd.example+type"), std::string_view("text/plain"),
        std::string_view("application/x.y!#$&^_-+")}) {
    EXPECT_TRUE(is_valid(ok)) << ok << ": " << check_syntax(ok);
  }
  struct Case {
    std::string_view text;
    std::string_view why;
  };
  const Case bad[] = {
      {"", "'type/subtype'"},
      {"application", "'type/subtype'"},
      {"/json", "the type is empty"},
      {"application/", "the subtype is empty"},
      {"application/json; charset=utf-8", "parameters"},
      {"application/js on", "parameters"},
      {".application/json", "must start with a letter or digit"},
      {"application/+json", "must start with a letter or digit"},
      {"application/a/b", "outside"},
      {"appl(ication/json", "outside"},
      {"application/jsön", "outside"},
  };
  for (const Case& c : bad) {
    std::string why = check_syntax(c.text);
    EXPECT_NE(why.find(c.why), std::string::npos) << c.text << ": '" << why << "'";
  }
  EXPECT_FALSE(is_valid(std::string(128, 'a') + "/json"));
  EXPECT_TRUE(is_valid(std::string(127, 'a') + "/json"));
}

TEST(MediaTypeTest, ClassifiesLayers) {
  struct Case {
    std::string_view type;
    LayerType want;
  };
  const Case cases[] = {
      {kOciLayerTar, {Compression::kNone, true, false}},
      {kOciLayerTarGzip, {Compression::kGzip, true, false}},
      {kOciLayerTarZstd, {Compression::kZstd, true, false}},
      {kOciLayerNondistributableTar, {Compression::kNone, false, false}},
      {kOciLayerNondistributableTarGzip, {Compression::kGzip, false, false}},
      {kOciLayerNondistributableTarZstd, {Compression::kZstd, false, false}},
      {kDockerLayerTarGzip, {Compression::kGzip, true, true}},
      {kDockerLayerForeignTarGzip, {Compression::kGzip, false, true}},
      {kDockerLayerTar, {Compression::kNone, true, true}},
      {kDockerLayerTarZstd, {Compression::kZstd, true, true}},
      {kDockerLayerForeignTar, {Compression::kNone, false, true}},
  };
  for (const Case& c : cases) {
    auto got = classify_layer(c.type);
    ASSERT_TRUE(got.is_ok()) << c.type;
    EXPECT_EQ(got.value(), c.want) << c.type;
  }
  for (std::string_view not_layer :
       {kOciManifest, kOciConfig, kDockerConfig, kOciEmpty,
        std::string_view("application/vnd.oci.image.layer.v1.tar+xz")}) {
    auto got = classify_layer(not_layer);
    ASSERT_FALSE(got.is_ok()) << not_layer;
    EXPECT_NE(got.error().message().find("not a layer media type"), std::string::npos);
  }
  EXPECT_STREQ(compression_name(Compression::kZstd), "zstd");
  EXPECT_TRUE(is_oci_layer(kOciLayerTar));
  EXPECT_FALSE(is_oci_layer(kDockerLayerTar));
  EXPECT_TRUE(is_docker_layer(kDockerLayerForeignTarGzip));
  EXPECT_TRUE(is_manifest_or_index(kDockerManifestList));
  EXPECT_FALSE(is_manifest_or_index(kOciConfig));
}

}  // namespace
}  // namespace oci::media_type
