// Inputs written to break parsers: every parser must return an error value,
// never throw, crash or recurse without bound.
#include <gtest/gtest.h>

#include <string>

#include "oci/descriptor.h"
#include "oci/docker_manifest.h"
#include "oci/document_kind.h"
#include "oci/image_config.h"
#include "oci/manifest.h"
#include "test_documents.h"

namespace oci {
namespace {

using testing::FailsAt;
using testing::json;

// Runs every document parser on `bytes`; none may throw, and each must fail.
void ExpectEveryParserRejects(const std::string& bytes) {
  EXPECT_NO_THROW({
    EXPECT_FALSE(parse_manifest(bytes).is_ok());
    EXPECT_FALSE(parse_manifest(bytes, {SpecVersion::kV1_0, std::nullopt}).is_ok());
    EXPECT_FALSE(parse_index(bytes).is_ok());
    EXPECT_FALSE(parse_descriptor(bytes).is_ok());
    EXPECT_FALSE(parse_docker_manifest(bytes).is_ok());
    EXPECT_FALSE(parse_docker_manifest_list(bytes).is_ok());
    EXPECT_FALSE(parse_image_config(bytes).is_ok());
  }) << bytes.substr(0, 200);
}

TEST(HostileInputTest, MalformedJsonNamesTheByteOffset) {
  auto m = parse_manifest(R"({"schemaVersion": 2,)");
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(m.error().message().find("malformed JSON at byte 21"), std::string::npos)
      << m.error().message();
  for (const char* bad : {"", "{", "nul", "{\"a\":}", "{\"a\" 1}", "[1,]", "{'a':1}",
                          "{\"a\":1} trailing", "\"\\ud800\"", "{\"a\":\"\xff\"}", "1e999999"}) {
    ExpectEveryParserRejects(bad);
  }
}

TEST(HostileInputTest, WrongTopLevelTypes) {
  for (const char* doc : {"null", "1", "\"manifest\"", "[]", "true"}) {
    ExpectEveryParserRejects(doc);
    EXPECT_TRUE(FailsAt(parse_manifest(doc), "", "expected a JSON object at the top level"));
  }
}

TEST(HostileInputTest, DeepNestingIsRefusedWithoutRecursion) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  ExpectEveryParserRejects(deep);
  auto m = parse_manifest(deep);
  EXPECT_NE(m.error().message().find("nests deeper than 64"), std::string::npos);
  // Deep nesting inside an ignored field is refused too, with its path.
  std::string inner = R"({"schemaVersion":2,"x":[)";
  for (int i = 0; i < 200; ++i)
    inner += R"({"a":)";
  auto r = parse_manifest(inner);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().message().find("nests deeper"), std::string::npos) << r.error().to_string();
  EXPECT_EQ(r.error().context().field.rfind("x[0].a.a.a", 0), 0u) << r.error().context().field;
  // Sixty levels of unknown extension data are fine.
  json ok = testing::oci_manifest();
  json nested = json::object();
  for (int i = 0; i < 60; ++i)
    nested = json{{"n", nested}};
  ok["com.example.ext"] = nested;
  EXPECT_TRUE(parse_manifest(ok.dump()).is_ok());
}

TEST(HostileInputTest, DuplicateKeysAreRefused) {
  std::string doc = testing::oci_manifest().dump();
  // Two schemaVersions: parsers that keep the first and the last would differ.
  doc.insert(1, R"("schemaVersion":1,)");
  EXPECT_TRUE(FailsAt(parse_manifest(doc), "", "same key more than once"));
  auto nested = parse_manifest(
      R"({"schemaVersion":2,"config":{"mediaType":"a/b","mediaType":"a/c","digest":"x:y","size":1},"layers":[]})");
  EXPECT_TRUE(FailsAt(nested, "config", "same key more than once"));
}

TEST(HostileInputTest, WrongTypesEverywhere) {
  json m = testing::oci_manifest();
  for (auto& [key, value] : m.items()) {
    for (json wrong : {json(1), json("s"), json::array(), json::object(), json(true), json(1.5)}) {
      if (wrong.type() == value.type()) continue;
      json copy = m;
      copy[key] = wrong;
      auto r = parse_manifest(copy.dump());
      EXPECT_FALSE(r.is_ok()) << key << " = " << wrong.dump();
      if (!r.is_ok()) {
        EXPECT_EQ(r.error().context().field, key) << r.error().to_string();
      }
    }
  }
  json c = testing::image_config();
  for (auto& [key, value] : c.items()) {
    json copy = c;
    copy[key] = json::array({json::object()});
    EXPECT_NO_THROW((void)parse_image_config(copy.dump())) << key;
  }
  // Strings where objects go, at every level of a descriptor.
  json d = testing::oci_manifest();
  d["config"] = "application/vnd.oci.image.config.v1+json";
  EXPECT_TRUE(FailsAt(parse_manifest(d.dump()), "config", "expected an object, found the string"));
}

TEST(HostileInputTest, HugeAndOddNumbers) {
  for (const char* size : {"-9223372036854775808", "9223372036854775808", "1e308", "-0.0",
                           "340282366920938463463374607431768211456"}) {
    std::string doc = R"({"mediaType":"a/b","digest":")" + std::string(testing::kAbcSha256) +
                      R"(","size":)" + size + "}";
    EXPECT_TRUE(FailsAt(parse_descriptor(doc), "size", "")) << size;
  }
  json m = testing::oci_manifest();
  m["schemaVersion"] = 18446744073709551614ull;  // would wrap to -2 as int64
  EXPECT_TRUE(FailsAt(parse_manifest(m.dump()), "schemaVersion", "integer 2"));
}

TEST(HostileInputTest, OversizedDocumentsAreRefusedBeforeParsing) {
  std::string big = "{\"x\":\"" + std::string(17u << 20, 'a') + "\"}";
  auto r = parse_manifest(big);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().message().find("larger than the limit"), std::string::npos);
}

TEST(HostileInputTest, ControlCharactersInValuesAreQuotedSafely) {
  json d = testing::descriptor("text/plain", std::string("sha256:\x01\x02") + "abc");
  auto r = parse_descriptor(d.dump());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().message().find('\x01'), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace oci
