#include "oci/platform.h"

#include <gtest/gtest.h>

#include <vector>

#include "oci/manifest.h"
#include "oci/platform_select.h"
#include "test_documents.h"

namespace oci {
namespace {

Platform P(const std::string& text) {
  return parse_platform(text).value();
}

TEST(PlatformTest, FromUnameUsesGoNames) {
  struct Case {
    const char* machine;
    const char* want;
  };
  const Case cases[] = {
      {"x86_64", "linux/amd64"},
      {"aarch64", "linux/arm64/v8"},
      {"arm64", "linux/arm64/v8"},
      {"armv7l", "linux/arm/v7"},
      {"armv6l", "linux/arm/v6"},
      {"armv5tel", "linux/arm/v5"},
      {"armv8l", "linux/arm/v8"},
      {"i686", "linux/386"},
      {"i386", "linux/386"},
      {"ppc64le", "linux/ppc64le"},
      {"s390x", "linux/s390x"},
      {"riscv64", "linux/riscv64"},
      {"loongarch64", "linux/loongarch64"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(format_platform(platform_from_uname("Linux", c.machine)), c.want) << c.machine;
  }
}

TEST(PlatformTest, HostPlatformIsLinuxWithAnArchitecture) {
  Platform host = host_platform();
  EXPECT_EQ(host.os, "linux");
  EXPECT_FALSE(host.architecture.empty());
#if defined(__x86_64__)
  EXPECT_EQ(host.architecture, "amd64");
#elif defined(__aarch64__)
  EXPECT_EQ(format_platform(host), "linux/arm64/v8");
#endif
}

TEST(PlatformTest, ParseAndFormat) {
  EXPECT_EQ(format_platform(P("linux/arm/v7")), "linux/arm/v7");
  EXPECT_EQ(P("linux/amd64").variant, "");
  for (const char* bad : {"", "linux", "linux/", "/amd64", "linux/arm/v7/x", "linux//v7"}) {
    auto p = parse_platform(bad);
    ASSERT_FALSE(p.is_ok()) << bad;
    EXPECT_EQ(p.error().code(), core::ErrorCode::kInvalidArgument);
  }
}

TEST(PlatformTest, NormalisesLikeContainerd) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"Linux/AMD64", "linux/amd64"},
      {"linux/x86_64", "linux/amd64"},
      {"linux/x86-64/v1", "linux/amd64"},
      {"linux/amd64/v3", "linux/amd64/v3"},
      {"linux/i386", "linux/386"},
      {"linux/aarch64", "linux/arm64"},
      {"linux/arm64/v8", "linux/arm64"},
      {"linux/arm64/8", "linux/arm64"},
      {"linux/arm64/v9.0", "linux/arm64/v9"},
      {"linux/arm", "linux/arm/v7"},
      {"linux/arm/7", "linux/arm/v7"},
      {"linux/arm/6", "linux/arm/v6"},
      {"linux/armhf", "linux/arm/v7"},
      {"linux/armel", "linux/arm/v6"},
      {"macos/arm64", "darwin/arm64"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(format_platform(normalize_platform(P(c.in))), c.out) << c.in;
  }
}

TEST(PlatformTest, ExactMatchAfterNormalisation) {
  EXPECT_TRUE(platform_matches(P("linux/arm64"), P("linux/arm64/v8")));
  EXPECT_TRUE(platform_matches(P("linux/arm64/v8"), P("linux/aarch64")));
  EXPECT_TRUE(platform_matches(P("linux/arm"), P("linux/arm/v7")));
  EXPECT_TRUE(platform_matches(P("linux/amd64"), P("linux/x86_64")));
  EXPECT_FALSE(platform_matches(P("linux/arm/v7"), P("linux/arm/v6")));
  EXPECT_FALSE(platform_matches(P("linux/amd64"), P("windows/amd64")));
  EXPECT_FALSE(platform_matches(P("linux/amd64"), P("linux/amd64/v2")));
  // os.version is not compared.
  Platform a = P("linux/amd64");
  Platform b = a;
  b.os_version = "1.0";
  EXPECT_TRUE(platform_matches(a, b));
}

TEST(PlatformTest, CompatibleVariantsBestFirst) {
  auto names = [](const Platform& want) {
    std::vector<std::string> out;
    for (const Platform& p : compatible_platforms(want))
      out.push_back(format_platform(p));
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(P("linux/arm/v7")), (V{"linux/arm/v7", "linux/arm/v6", "linux/arm/v5"}));
  EXPECT_EQ(names(P("linux/arm")), (V{"linux/arm/v7", "linux/arm/v6", "linux/arm/v5"}));
  EXPECT_EQ(names(P("linux/arm/v5")), (V{"linux/arm/v5"}));
  EXPECT_EQ(names(P("linux/arm64/v8")),
            (V{"linux/arm64", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"}));
  EXPECT_EQ(names(P("linux/arm64/v9")), (V{"linux/arm64/v9", "linux/arm64", "linux/arm/v8",
                                           "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"}));
  EXPECT_EQ(names(P("linux/amd64")), (V{"linux/amd64", "linux/386"}));
  EXPECT_EQ(names(P("linux/amd64/v3")),
            (V{"linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"}));
  EXPECT_EQ(names(P("linux/riscv64")), (V{"linux/riscv64"}));
  EXPECT_EQ(platform_rank(P("linux/arm/v7"), P("linux/arm/v6")), std::optional<std::size_t>(1));
  EXPECT_EQ(platform_rank(P("linux/arm/v6"), P("linux/arm/v7")), std::nullopt);
  EXPECT_EQ(platform_rank(P("linux/amd64"), P("linux/arm64")), std::nullopt);
}

Descriptor entry(const std::string& platform, const std::string& digest_hex_char,
                 const std::string& media = "application/vnd.oci.image.manifest.v1+json") {
  Descriptor d;
  d.media_type = media;
  d.digest = Digest::parse("sha256:" + std::string(64, digest_hex_char[0])).value();
  d.size = 1;
  if (!platform.empty()) d.platform = P(platform);
  return d;
}

TEST(SelectManifestTest, PrefersExactThenCompatible) {
  std::vector<Descriptor> index = {entry("linux/amd64", "a"), entry("linux/arm/v6", "b"),
                                   entry("linux/arm/v7", "c"), entry("linux/arm64/v8", "d")};
  EXPECT_EQ(select_manifest(index, P("linux/arm/v7")).value().digest.encoded()[0], 'c');
  EXPECT_EQ(select_manifest(index, P("linux/arm")).value().digest.encoded()[0], 'c');
  EXPECT_EQ(select_manifest(index, P("linux/arm64")).value().digest.encoded()[0], 'd');
  EXPECT_EQ(select_manifest(index, P("linux/x86_64")).value().digest.encoded()[0], 'a');
  // A v8 32-bit host takes the best older variant.
  EXPECT_EQ(select_manifest(index, P("linux/arm/v8")).value().digest.encoded()[0], 'c');
  std::vector<Descriptor> only_arm = {entry("linux/arm/v6", "b"), entry("linux/arm/v7", "c")};
  // An arm64 host runs arm/v7 before arm/v6.
  EXPECT_EQ(select_manifest(only_arm, P("linux/arm64/v8")).value().digest.encoded()[0], 'c');
}

TEST(SelectManifestTest, FirstAmongEqualsAndSkipsNonManifests) {
  std::vector<Descriptor> index = {
      entry("linux/amd64", "a", "application/vnd.example.attestation+json"),
      entry("linux/amd64", "b"), entry("linux/amd64", "c")};
  EXPECT_EQ(select_manifest(index, P("linux/amd64")).value().digest.encoded()[0], 'b');
}

TEST(SelectManifestTest, EntriesWithoutPlatformAreTheLastResort) {
  std::vector<Descriptor> index = {entry("", "a"), entry("linux/386", "b")};
  EXPECT_EQ(select_manifest(index, P("linux/amd64")).value().digest.encoded()[0], 'b');
  EXPECT_EQ(select_manifest(index, P("linux/arm64")).value().digest.encoded()[0], 'a');
}

TEST(SelectManifestTest, NoMatchListsWhatIsAvailable) {
  std::vector<Descriptor> index = {entry("linux/amd64", "a"), entry("linux/arm64/v8", "b")};
  auto r = select_manifest(index, P("linux/riscv64"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(r.error().context().field, "manifests");
  EXPECT_EQ(r.error().message(),
            "no manifest for linux/riscv64 in the index; it has linux/amd64, linux/arm64/v8");
  auto none = select_manifest({}, P("linux/amd64"));
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.error().message().find("no image manifests"), std::string::npos);
}

TEST(SelectManifestTest, WorksOnAParsedIndex) {
  auto index = parse_index(testing::oci_index().dump());
  ASSERT_TRUE(index.is_ok());
  auto chosen = select_manifest(index.value().manifests, P("linux/aarch64"));
  ASSERT_TRUE(chosen.is_ok()) << chosen.error().to_string();
  EXPECT_EQ(chosen.value().platform->architecture, "arm64");
}

}  // namespace
}  // namespace oci
