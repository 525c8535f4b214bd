#include "oci/descriptor.h"

#include <gtest/gtest.h>

#include "test_documents.h"

namespace oci {
namespace {

using testing::descriptor;
using testing::FailsAt;
using testing::json;

core::Result<Descriptor> parse(const json& j, SpecVersion version = SpecVersion::kV1_1) {
  ParseOptions options;
  options.version = version;
  return parse_descriptor(j.dump(), options);
}

TEST(DescriptorTest, ReadsEveryField) {
  json j = descriptor("application/vnd.oci.image.manifest.v1+json");
  j["urls"] = {"https://example.com/blob"};
  j["annotations"] = {{"org.opencontainers.image.ref.name", "v1"}};
  j["platform"] = {{"os", "linux"},
                   {"architecture", "arm64"},
                   {"variant", "v8"},
                   {"os.version", "5.10"},
                   {"os.features", {"a", "b"}}};
  j["artifactType"] = "application/vnd.example.sbom";
  j["data"] = "YWJj";  // "abc"
  auto d = parse(j);
  ASSERT_TRUE(d.is_ok()) << d.error().to_string();
  EXPECT_EQ(d.value().media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(d.value().digest.str(), testing::kAbcSha256);
  EXPECT_EQ(d.value().size, 3);
  EXPECT_EQ(d.value().urls, std::vector<std::string>{"https://example.com/blob"});
  EXPECT_EQ(d.value().annotations.at(std::string(kAnnotationRefName)), "v1");
  ASSERT_TRUE(d.value().platform.has_value());
  EXPECT_EQ(d.value().platform->variant, "v8");
  EXPECT_EQ(d.value().platform->os_version, "5.10");
  EXPECT_EQ(d.value().platform->os_features, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.value().artifact_type, "application/vnd.example.sbom");
  EXPECT_EQ(d.value().data, std::optional<std::string>("abc"));
}

TEST(DescriptorTest, RequiredFields) {
  for (const char* field : {"mediaType", "digest", "size"}) {
    json j = descriptor("text/plain");
    j.erase(field);
    EXPECT_TRUE(FailsAt(parse(j), field, "missing required field")) << field;
    j[field] = nullptr;  // null is absent
    EXPECT_TRUE(FailsAt(parse(j), field, "missing required field")) << field;
  }
}

TEST(DescriptorTest, SizeMustBeANonNegativeInt64) {
  struct Case {
    std::string raw;
    std::string needle;
  };
  const Case cases[] = {
      {"-1", "from 0 to 9223372036854775807, found the number -1"},
      {"1.5", "expected an integer, found the number 1.5"},
      {"3.0", "expected an integer, found the number 3.0"},
      {"1e3", "expected an integer"},
      {"\"3\"", "expected an integer, found the string \"3\""},
      {"9223372036854775808", "found the number 9223372036854775808"},  // 2^63
      {"18446744073709551615", "found the number 18446744073709551615"},
      {"123456789012345678901234567890", "expected an integer"},  // beyond uint64: a float
      {"true", "found the boolean true"},
      {"{}", "found an object"},
  };
  for (const Case& c : cases) {
    std::string doc = R"({"mediaType":"text/plain","digest":")" + std::string(testing::kAbcSha256) +
                      R"(","size":)" + c.raw + "}";
    EXPECT_TRUE(FailsAt(parse_descriptor(doc), "size", c.needle)) << c.raw;
  }
  json max = descriptor("text/plain", testing::kAbcSha256, INT64_MAX);
  auto d = parse(max);
  ASSERT_TRUE(d.is_ok()) << d.error().to_string();
  EXPECT_EQ(d.value().size, INT64_MAX);
}

TEST(DescriptorTest, MediaTypeAndDigestAreChecked) {
  EXPECT_TRUE(FailsAt(parse(descriptor("not a media type")), "mediaType", "RFC 6838"));
  EXPECT_TRUE(
      FailsAt(parse(descriptor("application/json; charset=utf-8")), "mediaType", "parameters"));
  EXPECT_TRUE(FailsAt(parse(descriptor("text/plain", "sha256:ABC")), "digest", "lower-case hex"));
  json j = descriptor("text/plain");
  j["digest"] = 5;
  EXPECT_TRUE(FailsAt(parse(j), "digest", "expected a string, found the number 5"));
}

TEST(DescriptorTest, UrlsAnnotationsAndPlatformAreTyped) {
  json j = descriptor("text/plain");
  j["urls"] = {"https://ok.example/x", "not a url"};
  EXPECT_TRUE(FailsAt(parse(j), "urls[1]", "expected a URI"));
  j["urls"] = "https://example.com";
  EXPECT_TRUE(FailsAt(parse(j), "urls", "expected an array, found the string"));
  j.erase("urls");
  j["annotations"] = {{"com.example.n", 1}};
  EXPECT_TRUE(FailsAt(parse(j), R"(annotations["com.example.n"])", "expected a string"));
  j["annotations"] = {{"k", nullptr}};
  EXPECT_TRUE(FailsAt(parse(j), "annotations.k", "expected a string, found null"));
  j["annotations"] = json::array();
  EXPECT_TRUE(FailsAt(parse(j), "annotations", "expected an object, found an array"));
  j.erase("annotations");
  j["platform"] = {{"os", "linux"}};
  EXPECT_TRUE(FailsAt(parse(j), "platform.architecture", "missing required field"));
  j["platform"] = {{"os", ""}, {"architecture", "amd64"}};
  EXPECT_TRUE(FailsAt(parse(j), "platform.os", "non-empty"));
  j["platform"] = {{"os", "linux"}, {"architecture", "amd64"}, {"os.features", "x"}};
  EXPECT_TRUE(FailsAt(parse(j), R"(platform["os.features"])", "expected an array"));
  j["platform"] = "linux/amd64";
  EXPECT_TRUE(FailsAt(parse(j), "platform", "expected an object, found the string"));
}

TEST(DescriptorTest, EmbeddedDataMustMatchSizeAndDigest) {
  // The v1.1 empty descriptor: {} inline.
  json empty = descriptor("application/vnd.oci.empty.v1+json", testing::kEmptyJsonSha256, 2);
  empty["data"] = "e30=";
  auto d = parse(empty);
  ASSERT_TRUE(d.is_ok()) << d.error().to_string();
  EXPECT_EQ(d.value().data, std::optional<std::string>("{}"));

  json j = descriptor("text/plain");  // "abc", size 3
  j["data"] = "YWJk";                 // "abd": right size, wrong digest
  EXPECT_TRUE(FailsAt(parse(j), "data", "does not match the digest"));
  j["data"] = "YWI=";  // "ab"
  EXPECT_TRUE(FailsAt(parse(j), "data", "2 bytes but size says 3"));
  for (const char* bad : {"YWJj\n", "YWJ", "Y WJj", "YW=j", "YWI", "YWJ=", "!!!!"}) {
    j["data"] = bad;
    EXPECT_TRUE(FailsAt(parse(j), "data", "canonical base64")) << bad;
  }
  // An algorithm that cannot be computed cannot vouch for embedded data.
  json other = descriptor("text/plain", "blake3:abc", 3);
  other["data"] = "YWJj";
  EXPECT_TRUE(FailsAt(parse(other), "data", "unsupported digest algorithm"));
  other.erase("data");
  EXPECT_TRUE(parse(other).is_ok());
}

TEST(DescriptorTest, V1_0IgnoresV1_1Fields) {
  json j = descriptor("text/plain");
  j["data"] = "not base64";
  j["artifactType"] = "not a media type";
  EXPECT_FALSE(parse(j, SpecVersion::kV1_1).is_ok());
  auto d = parse(j, SpecVersion::kV1_0);
  ASSERT_TRUE(d.is_ok()) << d.error().to_string();
  EXPECT_FALSE(d.value().data.has_value());
  EXPECT_TRUE(d.value().artifact_type.empty());
}

TEST(DescriptorTest, UnknownFieldsAreIgnored) {
  json j = descriptor("text/plain");
  j["com.example.extension"] = {{"anything", {1, 2, 3}}};
  EXPECT_TRUE(parse(j).is_ok());
}

}  // namespace
}  // namespace oci
