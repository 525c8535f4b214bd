#include <gtest/gtest.h>

#include "oci/manifest.h"
#include "oci/media_types.h"
#include "test_documents.h"

namespace oci {
namespace {

using testing::descriptor;
using testing::FailsAt;
using testing::json;

core::Result<Index> parse_index_json(const json& j, SpecVersion version = SpecVersion::kV1_1) {
  ParseOptions options;
  options.version = version;
  return parse_index(j.dump(), options);
}

TEST(IndexTest, ParsesAnIndexWithPlatforms) {
  auto index = parse_index_json(testing::oci_index());
  ASSERT_TRUE(index.is_ok()) << index.error().to_string();
  EXPECT_EQ(index.value().media_type, media_type::kOciIndex);
  ASSERT_EQ(index.value().manifests.size(), 2u);
  ASSERT_TRUE(index.value().manifests[1].platform.has_value());
  EXPECT_EQ(index.value().manifests[1].platform->architecture, "arm64");
  EXPECT_EQ(index.value().manifests[1].platform->variant, "v8");
}

TEST(IndexTest, ManifestsMayBeEmptyButNotMissing) {
  json j = testing::oci_index();
  j["manifests"] = json::array();
  EXPECT_TRUE(parse_index_json(j).is_ok());
  EXPECT_TRUE(parse_index_json(j, SpecVersion::kV1_0).is_ok());
  j.erase("manifests");
  EXPECT_TRUE(FailsAt(parse_index_json(j), "manifests", "missing required field"));
  j["manifests"] = "none";
  EXPECT_TRUE(FailsAt(parse_index_json(j), "manifests", "expected an array"));
}

TEST(IndexTest, EntriesWithoutPlatformAreFine) {
  json j = testing::oci_index();
  j["manifests"][0].erase("platform");
  auto index = parse_index_json(j);
  ASSERT_TRUE(index.is_ok()) << index.error().to_string();
  EXPECT_FALSE(index.value().manifests[0].platform.has_value());
}

TEST(IndexTest, ChecksSchemaVersionMediaTypeAndAmbiguity) {
  json j = testing::oci_index();
  j["schemaVersion"] = 1;
  EXPECT_TRUE(
      FailsAt(parse_index_json(j), "schemaVersion", "expected the integer 2, found the number 1"));
  j = testing::oci_index();
  j["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
  EXPECT_TRUE(FailsAt(parse_index_json(j), "mediaType",
                      "expected 'application/vnd.oci.image.index.v1+json'"));
  j.erase("mediaType");
  EXPECT_TRUE(parse_index_json(j).is_ok());
  j["layers"] = json::array();
  EXPECT_TRUE(FailsAt(parse_index_json(j), "layers", "ambiguous"));
  j.erase("layers");
  j["config"] = descriptor("application/vnd.oci.image.config.v1+json");
  EXPECT_TRUE(FailsAt(parse_index_json(j), "config", "ambiguous"));
}

TEST(IndexTest, ErrorsNameTheEntry) {
  json j = testing::oci_index();
  j["manifests"].push_back(descriptor("application/vnd.oci.image.manifest.v1+json"));
  j["manifests"][2]["digest"] = "sha256:" + std::string(64, 'A');
  EXPECT_TRUE(FailsAt(parse_index_json(j), "manifests[2].digest", "lower-case hex"));
  j = testing::oci_index();
  j["manifests"][1]["platform"]["architecture"] = 64;
  EXPECT_TRUE(FailsAt(parse_index_json(j), "manifests[1].platform.architecture",
                      "expected a string, found the number 64"));
}

TEST(IndexTest, V1_1SubjectArtifactTypeAndSelfReference) {
  json j = testing::oci_index();
  j["artifactType"] = "application/vnd.example.bundle";
  j["subject"] = descriptor("application/vnd.oci.image.manifest.v1+json", testing::kEmptySha256, 0);
  auto index = parse_index_json(j);
  ASSERT_TRUE(index.is_ok()) << index.error().to_string();
  EXPECT_EQ(index.value().artifact_type, "application/vnd.example.bundle");
  ASSERT_TRUE(index.value().subject.has_value());

  ParseOptions options;
  options.own_digest = Digest::parse(testing::kEmptySha256).value();
  EXPECT_TRUE(FailsAt(parse_index(j.dump(), options), "subject.digest", "document itself"));
  // An index listing itself as one of its manifests is a loop too.
  options.own_digest = Digest::parse(testing::kAbcSha256).value();
  EXPECT_TRUE(FailsAt(parse_index(j.dump(), options), "manifests[0].digest", "document itself"));
}

}  // namespace
}  // namespace oci
