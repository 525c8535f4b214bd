// BlobWriter::commit_computed (src/oci/store/blob_writer.h), tested here
// because the transports are what need it.
#include <gtest/gtest.h>

#include "transport_fixture.h"

namespace oci::transport::testing {
namespace {

using store::testing::ingest_files;

TEST_F(TransportTest, CommitComputedPublishesUnderTheComputedDigest) {
  auto l = lease();
  auto writer = l.writer();
  ASSERT_TRUE(writer.is_ok());
  ASSERT_TRUE(writer.value().write("hello ").is_ok());
  ASSERT_TRUE(writer.value().write("world").is_ok());
  auto digest = writer.value().commit_computed();
  ASSERT_TRUE(digest.is_ok()) << digest.error().to_string();
  EXPECT_EQ(digest.value(), Digest::sha256_of("hello world"));
  EXPECT_EQ(store().read_blob(digest.value()).value(), "hello world");
  EXPECT_EQ(ingest_files(root()), 0u);
}

TEST_F(TransportTest, CommitComputedOfExistingContentKeepsOneBlob) {
  auto l = lease();
  ASSERT_TRUE(l.put_blob("same").is_ok());
  auto writer = l.writer();
  ASSERT_TRUE(writer.value().write("same").is_ok());
  auto digest = writer.value().commit_computed();
  ASSERT_TRUE(digest.is_ok());
  EXPECT_EQ(digest.value(), Digest::sha256_of("same"));
  EXPECT_EQ(ingest_files(root()), 0u);
  EXPECT_TRUE(store().verify_blob(digest.value()).is_ok());
}

TEST_F(TransportTest, CommitComputedOnlyOnce) {
  auto l = lease();
  auto writer = l.writer();
  ASSERT_TRUE(writer.value().write("x").is_ok());
  ASSERT_TRUE(writer.value().commit_computed().is_ok());
  auto again = writer.value().commit_computed();
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(writer.value().write("y").is_ok());
}

TEST_F(TransportTest, CommitComputedOfNothingIsTheEmptyBlob) {
  auto l = lease();
  auto writer = l.writer();
  auto digest = writer.value().commit_computed();
  ASSERT_TRUE(digest.is_ok());
  EXPECT_EQ(digest.value(), Digest::sha256_of(""));
  EXPECT_EQ(store().blob_size(digest.value()).value(), 0);
}

}  // namespace
}  // namespace oci::transport::testing
