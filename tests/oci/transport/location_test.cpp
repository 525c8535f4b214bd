#include <gtest/gtest.h>

#include "oci/transport/location.h"

namespace oci::transport {
namespace {

TEST(ParseLocation, OciDirWithAndWithoutTag) {
  auto a = parse_location("oci:/tmp/layout:v1");
  ASSERT_TRUE(a.is_ok()) << a.error().to_string();
  EXPECT_EQ(a.value().kind, Location::Kind::kOciDir);
  EXPECT_EQ(a.value().path, "/tmp/layout");
  EXPECT_EQ(a.value().tag, "v1");
  auto b = parse_location("oci:rel/dir");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b.value().path, "rel/dir");
  EXPECT_EQ(b.value().tag, "");
}

TEST(ParseLocation, ArchivesKeepTheWholeSelector) {
  auto d = parse_location("docker-archive:/x/img.tar:library/busybox:1.36");
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d.value().kind, Location::Kind::kDockerArchive);
  EXPECT_EQ(d.value().path, "/x/img.tar");
  EXPECT_EQ(d.value().tag, "library/busybox:1.36");
  auto o = parse_location("oci-archive:y.tar:latest");
  ASSERT_TRUE(o.is_ok());
  EXPECT_EQ(o.value().kind, Location::Kind::kOciArchive);
  EXPECT_EQ(o.value().tag, "latest");
}

TEST(ParseLocation, RefusesUnknownTransportAndEmptyPath) {
  auto unknown = parse_location("docker://busybox");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message().find("unknown transport 'docker'"), std::string::npos);
  auto none = parse_location("/just/a/path");
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.error().message().find("TRANSPORT:PATH"), std::string::npos);
  auto empty = parse_location("oci::tag");
  ASSERT_FALSE(empty.is_ok());
  EXPECT_NE(empty.error().message().find("empty path"), std::string::npos);
  EXPECT_FALSE(parse_location("oci-archive:").is_ok());
}

TEST(ParseLocation, TransportNames) {
  EXPECT_STREQ(transport_name(Location::Kind::kOciArchive), "oci-archive");
  EXPECT_STREQ(transport_name(Location::Kind::kDockerArchive), "docker-archive");
}

}  // namespace
}  // namespace oci::transport
