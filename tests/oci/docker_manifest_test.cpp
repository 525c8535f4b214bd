#include "oci/docker_manifest.h"

#include <gtest/gtest.h>

#include "oci/document_kind.h"
#include "oci/media_types.h"
#include "test_documents.h"

namespace oci {
namespace {

using testing::descriptor;
using testing::FailsAt;
using testing::json;

TEST(DockerManifestTest, ParsesSchema2) {
  auto m = parse_docker_manifest(testing::docker_manifest().dump());
  ASSERT_TRUE(m.is_ok()) << m.error().to_string();
  EXPECT_EQ(m.value().config.media_type, media_type::kDockerConfig);
  ASSERT_EQ(m.value().layers.size(), 1u);
  EXPECT_EQ(m.value().layers[0].media_type, media_type::kDockerLayerTarGzip);
}

TEST(DockerManifestTest, MediaTypeIsRequiredAndExact) {
  json j = testing::docker_manifest();
  j.erase("mediaType");
  EXPECT_TRUE(FailsAt(parse_docker_manifest(j.dump()), "mediaType", "missing required field"));
  j["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
  EXPECT_TRUE(FailsAt(parse_docker_manifest(j.dump()), "mediaType",
                      "expected 'application/vnd.docker.distribution.manifest.v2+json'"));
  j = testing::docker_manifest();
  j["schemaVersion"] = 1;
  EXPECT_TRUE(FailsAt(parse_docker_manifest(j.dump()), "schemaVersion", "integer 2"));
}

TEST(DockerManifestTest, ConfigAndLayersUseDockerTypes) {
  json j = testing::docker_manifest();
  j["config"]["mediaType"] = "application/vnd.oci.image.config.v1+json";
  EXPECT_TRUE(FailsAt(parse_docker_manifest(j.dump()), "config.mediaType",
                      "expected 'application/vnd.docker.container.image.v1+json'"));
  j = testing::docker_manifest();
  j["layers"].push_back(descriptor("application/vnd.oci.image.layer.v1.tar+gzip"));
  EXPECT_TRUE(FailsAt(parse_docker_manifest(j.dump()), "layers[1].mediaType",
                      "expected a Docker layer media type"));
  j = testing::docker_manifest();
  j["layers"][0] = descriptor("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
  j["layers"][0]["urls"] = {"https://mcr.example/layer"};
  auto m = parse_docker_manifest(j.dump());
  ASSERT_TRUE(m.is_ok()) << m.error().to_string();
  EXPECT_EQ(m.value().layers[0].urls.size(), 1u);
  j["layers"][0]["size"] = -1;
  EXPECT_TRUE(FailsAt(parse_docker_manifest(j.dump()), "layers[0].size", "found the number -1"));
}

TEST(DockerManifestListTest, ParsesAndRequiresPlatforms) {
  auto list = parse_docker_manifest_list(testing::docker_list().dump());
  ASSERT_TRUE(list.is_ok()) << list.error().to_string();
  ASSERT_EQ(list.value().manifests.size(), 1u);
  EXPECT_EQ(list.value().manifests[0].platform->architecture, "amd64");

  json j = testing::docker_list();
  j["manifests"][0].erase("platform");
  EXPECT_TRUE(FailsAt(parse_docker_manifest_list(j.dump()), "manifests[0].platform",
                      "missing required field"));
  j = testing::docker_list();
  j["mediaType"] = "application/vnd.oci.image.index.v1+json";
  EXPECT_TRUE(FailsAt(parse_docker_manifest_list(j.dump()), "mediaType",
                      "expected 'application/vnd.docker.distribution.manifest.list.v2+json'"));
}

TEST(DocumentKindTest, FromMediaType) {
  EXPECT_EQ(detect_document_kind(testing::oci_manifest().dump()).value(),
            DocumentKind::kOciManifest);
  EXPECT_EQ(detect_document_kind(testing::oci_index().dump()).value(), DocumentKind::kOciIndex);
  EXPECT_EQ(detect_document_kind(testing::docker_manifest().dump()).value(),
            DocumentKind::kDockerManifest);
  EXPECT_EQ(detect_document_kind(testing::docker_list().dump()).value(),
            DocumentKind::kDockerManifestList);
  EXPECT_STREQ(document_kind_name(DocumentKind::kDockerManifestList), "Docker manifest list");
}

TEST(DocumentKindTest, FromShapeWhenMediaTypeIsAbsent) {
  json m = testing::oci_manifest();
  m.erase("mediaType");
  EXPECT_EQ(detect_document_kind(m.dump()).value(), DocumentKind::kOciManifest);
  json i = testing::oci_index();
  i.erase("mediaType");
  EXPECT_EQ(detect_document_kind(i.dump()).value(), DocumentKind::kOciIndex);
  i["layers"] = json::array();
  EXPECT_TRUE(FailsAt(detect_document_kind(i.dump()), "manifests", "ambiguous"));
  EXPECT_TRUE(FailsAt(detect_document_kind(R"({"schemaVersion":2})"), "", "not a manifest"));
}

TEST(DocumentKindTest, RefusesSchema1AndUnknownTypes) {
  EXPECT_TRUE(FailsAt(detect_document_kind(R"({"schemaVersion":1,"fsLayers":[]})"), "schemaVersion",
                      "schema 1"));
  EXPECT_TRUE(
      FailsAt(detect_document_kind(
                  R"({"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"})"),
              "mediaType", "schema 1"));
  EXPECT_TRUE(FailsAt(detect_document_kind(R"({"mediaType":"application/json"})"), "mediaType",
                      "expected the media type of a manifest or index"));
  EXPECT_TRUE(
      FailsAt(detect_document_kind(R"({"mediaType":7})"), "mediaType", "expected a string"));
  EXPECT_TRUE(FailsAt(detect_document_kind("[1,2]"), "", "top level"));
}

}  // namespace
}  // namespace oci
