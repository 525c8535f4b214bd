// oci/registry: credentials from --creds and auth files, and the
// WWW-Authenticate challenges registries send.
#include "oci/registry/auth.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "oci/base64.h"

namespace oci::registry {
namespace {

TEST(AuthTest, CredentialsAreUserColonPassword) {
  auto c = parse_credentials("alice:pa:ss");
  ASSERT_TRUE(c);
  EXPECT_EQ(c.value().username, "alice");
  EXPECT_EQ(c.value().password, "pa:ss");
  EXPECT_FALSE(parse_credentials("alice"));
  EXPECT_FALSE(parse_credentials(":secret"));
}

TEST(AuthTest, Base64EncodesAsTheStandardSays) {
  EXPECT_EQ(encode_base64(""), "");
  EXPECT_EQ(encode_base64("f"), "Zg==");
  EXPECT_EQ(encode_base64("fo"), "Zm8=");
  EXPECT_EQ(encode_base64("foo"), "Zm9v");
  EXPECT_EQ(encode_base64("alice:s3cret"), "YWxpY2U6czNjcmV0");
  const std::string bytes("\x00\xff\x10\x80", 4);
  EXPECT_EQ(decode_base64(encode_base64(bytes)), bytes);
}

class AuthFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = ::testing::TempDir() + "auth-" + std::to_string(::getpid()) + ".json";
  }
  void TearDown() override { std::remove(file_.c_str()); }
  void write(const std::string& text) { std::ofstream(file_) << text; }
  std::string file_;
};

TEST_F(AuthFileTest, FindsTheRegistrysEntryInEitherKeyStyle) {
  write(R"({"auths": {"127.0.0.1:5000": {"auth": ")" + encode_base64("alice:one") +
        R"("}, "https://index.docker.io/v1/": {"auth": ")" + encode_base64("bob:two") + R"("}}})");
  auto local = credentials_from_auth_file(file_, "127.0.0.1:5000");
  ASSERT_TRUE(local && local.value());
  EXPECT_EQ(local.value()->username, "alice");
  auto hub = credentials_from_auth_file(file_, "docker.io");
  ASSERT_TRUE(hub && hub.value());
  EXPECT_EQ(hub.value()->password, "two");
  auto none = credentials_from_auth_file(file_, "quay.io");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none.value());
  // What Docker Desktop and credential helpers write: no credentials, no error.
  write(R"({"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "desktop"})");
  auto helper = credentials_from_auth_file(file_, "docker.io");
  ASSERT_TRUE(helper) << helper.error().to_string();
  EXPECT_FALSE(helper.value());
}

TEST_F(AuthFileTest, AMalformedFileIsAnErrorNamingItAndTheField) {
  for (const auto& [text, what] : std::vector<std::pair<std::string, std::string>>{
           {"{", "not a JSON object"},
           {R"({"auths": []})", "\"auths\" is not an object"},
           {R"({"auths": {"h": {"auth": 1}}})", "\"auth\" is not a string"},
           {R"({"auths": {"h": []}})", "not an object"},
           {R"({"auths": {"h": {"auth": "!!"}}})", "not base64"},
           {R"({"auths": {"h": {"auth": "bm9jb2xvbg=="}}})", "USER:PASSWORD"},
       }) {
    write(text);
    auto result = credentials_from_auth_file(file_, "h");
    ASSERT_FALSE(result) << text;
    EXPECT_NE(result.error().to_string().find(what), std::string::npos)
        << result.error().to_string();
    EXPECT_EQ(result.error().context().file, file_);
  }
  std::remove(file_.c_str());
  EXPECT_EQ(credentials_from_auth_file(file_, "h").error().code(), core::ErrorCode::kNotFound);
}

TEST(ChallengeTest, BearerAndBasicChallengesAreRead) {
  auto bearer = parse_challenge(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer.value().scheme, "bearer");
  EXPECT_EQ(bearer.value().params.at("realm"), "https://auth.example/token");
  EXPECT_EQ(bearer.value().params.at("service"), "registry.example");
  EXPECT_EQ(bearer.value().params.at("scope"), "repository:a/b:pull,push");
  auto basic = parse_challenge(R"(Basic realm="lxcri test")");
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic.value().scheme, "basic");
  EXPECT_EQ(basic.value().params.at("realm"), "lxcri test");
  EXPECT_FALSE(parse_challenge(""));
  EXPECT_FALSE(parse_challenge("Bearer service=\"x\"")) << "a Bearer challenge needs a realm";
}

}  // namespace
}  // namespace oci::registry
