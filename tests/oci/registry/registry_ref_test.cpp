// oci/registry: references as users write them, normalized as Docker does,
// and the malformed ones refused with what is wrong.
#include "oci/registry/registry_ref.h"

#include <gtest/gtest.h>

namespace oci::registry {
namespace {

RegistryRef parsed(std::string_view text) {
  auto ref = parse_registry_ref(text);
  EXPECT_TRUE(ref) << text << ": " << ref.error().to_string();
  return ref ? ref.value() : RegistryRef{};
}

TEST(RegistryRefTest, DockerHubShorthandIsNormalized) {
  RegistryRef busybox = parsed("busybox");
  EXPECT_EQ(busybox.registry, "docker.io");
  EXPECT_EQ(busybox.repository, "library/busybox");
  EXPECT_EQ(busybox.tag, "latest");
  EXPECT_EQ(busybox.api_host(), "registry-1.docker.io");
  EXPECT_EQ(busybox.str(), "docker.io/library/busybox:latest");
  EXPECT_EQ(parsed("docker://user/app:1.2").repository, "user/app");
  EXPECT_EQ(parsed("index.docker.io/library/alpine").registry, "docker.io");
}

TEST(RegistryRefTest, HostsPortsTagsAndDigests) {
  RegistryRef local = parsed("docker://127.0.0.1:5000/team/app:v1.0-rc_2");
  EXPECT_EQ(local.registry, "127.0.0.1:5000");
  EXPECT_EQ(local.repository, "team/app");
  EXPECT_EQ(local.tag, "v1.0-rc_2");
  EXPECT_EQ(local.api_host(), "127.0.0.1:5000");
  RegistryRef port_no_tag = parsed("localhost:5000/app");
  EXPECT_EQ(port_no_tag.registry, "localhost:5000");
  EXPECT_EQ(port_no_tag.tag, "latest");
  const std::string digest = "sha256:" + std::string(64, 'a');
  RegistryRef pinned = parsed("quay.io/org/app@" + digest);
  EXPECT_EQ(pinned.tag, "");
  EXPECT_EQ(pinned.digest.str(), digest);
  EXPECT_EQ(pinned.reference(), digest);
  RegistryRef both = parsed("quay.io/org/app:1@" + digest);
  EXPECT_EQ(both.tag, "1");
  EXPECT_EQ(both.reference(), digest) << "the digest decides what is fetched";
  EXPECT_EQ(parsed("a.b/c__d/e--f.g_h:T").repository, "c__d/e--f.g_h");
}

TEST(RegistryRefTest, MalformedReferencesSayWhatIsWrong) {
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"", "empty"},
           {"docker://", "empty"},
           {"host.io/App:1", "bad repository"},
           {"host.io/app:", "bad tag"},
           {"host.io/app:-x", "bad tag"},
           {"host.io/app:" + std::string(129, 'a'), "bad tag"},
           {"host.io/app@sha256:abc", "bad digest"},
           {"host.io//app", "bad repository"},
           {"host.io/app_", "bad repository"},
           {"host.io/a..b", "bad repository"},
       }) {
    auto ref = parse_registry_ref(text);
    ASSERT_FALSE(ref) << text;
    EXPECT_EQ(ref.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(ref.error().message().find(why), std::string::npos)
        << text << ": " << ref.error().message();
  }
}

TEST(RegistryRefTest, OnlyLoopbackRegistriesArePlainHttpByDefault) {
  EXPECT_TRUE(is_loopback_registry("localhost:5000"));
  EXPECT_TRUE(is_loopback_registry("127.0.0.1:5000"));
  EXPECT_TRUE(is_loopback_registry("127.1.2.3"));
  EXPECT_TRUE(is_loopback_registry("[::1]:5000"));
  EXPECT_FALSE(is_loopback_registry("docker.io"));
  EXPECT_FALSE(is_loopback_registry("localhost.example.com"));
  EXPECT_FALSE(is_loopback_registry("10.0.0.1:5000"));
  EXPECT_FALSE(is_loopback_registry("127.evil.example:5000")) << "a name, not an address";
  EXPECT_FALSE(is_loopback_registry("127.0.0.1.nip.io"));
}

}  // namespace
}  // namespace oci::registry
