#include "oci/manifest.h"

#include <gtest/gtest.h>

#include "oci/media_types.h"
#include "test_documents.h"

namespace oci {
namespace {

using testing::descriptor;
using testing::FailsAt;
using testing::json;

core::Result<Manifest> parse_manifest_json(const json& j,
                                           SpecVersion version = SpecVersion::kV1_1) {
  ParseOptions options;
  options.version = version;
  return parse_manifest(j.dump(), options);
}

TEST(ManifestTest, ParsesAnImageManifest) {
  auto m = parse_manifest_json(testing::oci_manifest());
  ASSERT_TRUE(m.is_ok()) << m.error().to_string();
  EXPECT_EQ(m.value().media_type, media_type::kOciManifest);
  EXPECT_EQ(m.value().config.media_type, media_type::kOciConfig);
  ASSERT_EQ(m.value().layers.size(), 2u);
  EXPECT_EQ(m.value().layers[0].media_type, media_type::kOciLayerTarGzip);
  EXPECT_EQ(m.value().layers[1].digest.str(), testing::kEmptySha256);
  EXPECT_EQ(m.value().annotations.at(std::string(kAnnotationCreated)), "2024-01-02T03:04:05Z");
  EXPECT_FALSE(m.value().subject.has_value());
  EXPECT_TRUE(parse_manifest_json(testing::oci_manifest(), SpecVersion::kV1_0).is_ok());
}

TEST(ManifestTest, MediaTypeIsOptionalButMustBeTheManifestType) {
  json j = testing::oci_manifest();
  j.erase("mediaType");
  auto m = parse_manifest_json(j);
  ASSERT_TRUE(m.is_ok()) << m.error().to_string();
  EXPECT_TRUE(m.value().media_type.empty());
  j["mediaType"] = "application/vnd.oci.image.index.v1+json";
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "mediaType",
                      "expected 'application/vnd.oci.image.manifest.v1+json', found the string "
                      "\"application/vnd.oci.image.index.v1+json\""));
  j["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json";
  EXPECT_TRUE(
      FailsAt(parse_manifest_json(j), "mediaType", "expected 'application/vnd.oci.image.manifest"));
}

TEST(ManifestTest, SchemaVersionMustBe2) {
  json j = testing::oci_manifest();
  for (json bad : {json(1), json(3), json("2"), json(2.0), json(-2)}) {
    j["schemaVersion"] = bad;
    EXPECT_TRUE(FailsAt(parse_manifest_json(j), "schemaVersion", "expected the integer 2"))
        << bad.dump();
  }
  j.erase("schemaVersion");
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "schemaVersion", "missing required field"));
}

TEST(ManifestTest, ConfigAndLayersAreRequired) {
  json j = testing::oci_manifest();
  j.erase("config");
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "config", "missing required field"));
  j = testing::oci_manifest();
  j.erase("layers");
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "layers", "missing required field"));
  j["layers"] = json::object();
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "layers", "expected an array, found an object"));
}

TEST(ManifestTest, ErrorsNameNestedFields) {
  json j = testing::oci_manifest();
  j["config"]["size"] = -5;
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "config.size", "found the number -5"));
  j = testing::oci_manifest();
  j["layers"][1]["digest"] = "sha256:1234";
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "layers[1].digest", "64 hex digits, found 4"));
  j = testing::oci_manifest();
  j["layers"][0]["mediaType"] = "gzip";
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "layers[0].mediaType", "RFC 6838"));
  j = testing::oci_manifest();
  j["layers"][0] = "sha256:abc";
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "layers[0]", "expected an object, found the string"));
  j = testing::oci_manifest();
  j["annotations"]["org.example"] = true;
  EXPECT_TRUE(
      FailsAt(parse_manifest_json(j), R"(annotations["org.example"])", "expected a string"));
}

TEST(ManifestTest, EmptyLayersAreAllowedInV1_1AndNotInV1_0) {
  json j = testing::oci_manifest();
  j["layers"] = json::array();
  EXPECT_TRUE(parse_manifest_json(j, SpecVersion::kV1_1).is_ok());
  EXPECT_TRUE(FailsAt(parse_manifest_json(j, SpecVersion::kV1_0), "layers", "at least one layer"));
}

TEST(ManifestTest, ArtifactWithEmptyConfigNeedsArtifactType) {
  json j = testing::oci_manifest();
  j["config"] = descriptor("application/vnd.oci.empty.v1+json", testing::kEmptyJsonSha256, 2);
  j["config"]["data"] = "e30=";
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "artifactType", "must be set when config.mediaType"));
  j["artifactType"] = "application/vnd.example.sbom.v1+json";
  auto m = parse_manifest_json(j);
  ASSERT_TRUE(m.is_ok()) << m.error().to_string();
  EXPECT_EQ(m.value().artifact_type, "application/vnd.example.sbom.v1+json");
  EXPECT_EQ(m.value().config.data, std::optional<std::string>("{}"));
  j["artifactType"] = "sbom";
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "artifactType", "RFC 6838"));
  // v1.0.2 knows no artifactType; the empty config is just another config type.
  j.erase("artifactType");
  EXPECT_TRUE(parse_manifest_json(j, SpecVersion::kV1_0).is_ok());
}

TEST(ManifestTest, SubjectIsADescriptorAndNeverTheManifestItself) {
  json j = testing::oci_manifest();
  j["subject"] = descriptor("application/vnd.oci.image.manifest.v1+json");
  auto m = parse_manifest_json(j);
  ASSERT_TRUE(m.is_ok()) << m.error().to_string();
  ASSERT_TRUE(m.value().subject.has_value());
  EXPECT_EQ(m.value().subject->digest.str(), testing::kAbcSha256);

  ParseOptions options;
  options.own_digest = Digest::parse(testing::kAbcSha256).value();
  EXPECT_TRUE(FailsAt(parse_manifest(j.dump(), options), "subject.digest", "document itself"));
  options.own_digest = Digest::parse(testing::kEmptySha256).value();
  EXPECT_TRUE(parse_manifest(j.dump(), options).is_ok());

  j["subject"].erase("size");
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "subject.size", "missing required field"));
  EXPECT_TRUE(parse_manifest_json(j, SpecVersion::kV1_0).is_ok());  // not a v1.0.2 field: ignored
}

TEST(ManifestTest, AManifestWithManifestsIsAmbiguous) {
  json j = testing::oci_manifest();
  j["manifests"] = json::array();
  EXPECT_TRUE(FailsAt(parse_manifest_json(j), "manifests", "ambiguous"));
}

}  // namespace
}  // namespace oci
