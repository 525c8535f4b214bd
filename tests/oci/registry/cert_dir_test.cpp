// oci/registry: certificate directories as containers-certs.d(5) lays them
// out (*.crt CAs, a *.cert/*.key client pair), and their bad shapes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "oci/registry/http_client.h"

namespace oci::registry {
namespace {

class CertDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("certs-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  std::filesystem::path dir_;
  HttpOptions options_;
};

TEST_F(CertDirTest, CasAreEveryCrtFile) {
  write("ca.crt", "-----BEGIN CERTIFICATE-----\nCA ONE\n-----END CERTIFICATE-----\n");
  write("other.crt", "-----BEGIN CERTIFICATE-----\nCA TWO\n-----END CERTIFICATE-----\n");
  write("README", "not a certificate: ignored");
  ASSERT_TRUE(load_cert_dir(dir_, options_));
  EXPECT_NE(options_.ca_pem.find("CA ONE"), std::string::npos);
  EXPECT_NE(options_.ca_pem.find("CA TWO"), std::string::npos);
  EXPECT_EQ(options_.ca_pem.find("not a certificate"), std::string::npos);
  // The directory's two and no more: the system's are libcurl's to find.
  std::size_t certificates = 0;
  for (std::size_t at = 0;
       (at = options_.ca_pem.find("BEGIN CERTIFICATE", at)) != std::string::npos; ++at)
    ++certificates;
  EXPECT_EQ(certificates, 2u);
  EXPECT_TRUE(options_.client_cert_pem.empty());
}

TEST_F(CertDirTest, ACrtWithoutAPemCertificateIsNamed) {
  // libcurl would refuse the whole CA blob, and every connection with it.
  for (const std::string& text :
       std::vector<std::string>{"", "not a certificate\n", std::string("\x30\x82\x01\x0a", 4)}) {
    write("ca.crt", text);
    auto s = load_cert_dir(dir_, options_);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find("ca.crt holds no PEM certificate"), std::string::npos)
        << s.error().message();
  }
}

TEST_F(CertDirTest, AClientPairIsCertAndKeyOfOneName) {
  write("client.cert", "CLIENT CERT");
  write("client.key", "CLIENT KEY");
  ASSERT_TRUE(load_cert_dir(dir_, options_));
  EXPECT_EQ(options_.client_cert_pem, "CLIENT CERT");
  EXPECT_EQ(options_.client_key_pem, "CLIENT KEY");
  EXPECT_TRUE(options_.ca_pem.empty()) << "no *.crt: the system's CAs alone";
}

TEST_F(CertDirTest, AHalfPairIsAnErrorNamingTheFile) {
  write("client.cert", "CLIENT CERT");
  auto s = load_cert_dir(dir_, options_);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message().find("client.cert has no client.key"), std::string::npos)
      << s.error().message();
  std::filesystem::remove(dir_ / "client.cert");
  write("lonely.key", "KEY");
  s = load_cert_dir(dir_, options_);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("lonely.key has no lonely.cert"), std::string::npos)
      << s.error().message();
}

TEST_F(CertDirTest, TwoClientPairsAreAmbiguous) {
  for (const char* name : {"a.cert", "a.key", "b.cert", "b.key"})
    write(name, name);
  auto s = load_cert_dir(dir_, options_);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("two client certificates"), std::string::npos)
      << s.error().message();
}

TEST_F(CertDirTest, AMissingDirectoryIsNotFound) {
  auto s = load_cert_dir(dir_ / "nowhere", options_);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kNotFound);
  EXPECT_NE(s.error().message().find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace oci::registry
