#include <gtest/gtest.h>

#include <thread>

#include "store_fixture.h"

namespace oci::store::testing {
namespace {

using BlobTest = StoreTest;

TEST_F(BlobTest, StreamedBlobRoundTrips) {
  Store store = open();
  auto lease = store.lease().value();
  auto writer = lease.writer().value();
  std::string all;
  for (int i = 0; i < 100; ++i) {
    std::string chunk(1000 + i, static_cast<char>('a' + i % 26));
    ASSERT_TRUE(writer.write(chunk));
    all += chunk;
  }
  EXPECT_EQ(writer.bytes_written(), all.size());
  Digest digest = sha(all);
  ASSERT_TRUE(writer.commit(digest, static_cast<std::int64_t>(all.size())));
  EXPECT_TRUE(store.has_blob(digest));
  EXPECT_EQ(store.blob_size(digest).value(), static_cast<std::int64_t>(all.size()));
  EXPECT_EQ(read_file(root() / "blobs" / "sha256" / std::string(digest.encoded())), all);
  EXPECT_EQ(store.read_blob(digest).value(), all);
  EXPECT_TRUE(store.verify_blob(digest));
  EXPECT_TRUE(store.open_blob(digest).value().valid());
  EXPECT_EQ(ingest_files(root()), 0u);
  // A writer commits once.
  EXPECT_EQ(writer.commit(digest, 1).error().code(), core::ErrorCode::kFailedPrecondition);
}

TEST_F(BlobTest, PutBlobAndEmptyBlob) {
  Store store = open();
  auto lease = store.lease().value();
  EXPECT_EQ(lease.put_blob("abc").value().str(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Digest empty = lease.put_blob("").value();
  EXPECT_EQ(store.read_blob(empty).value(), "");
}

TEST_F(BlobTest, Sha512Writer) {
  Store store = open();
  auto lease = store.lease().value();
  auto writer = lease.writer(DigestAlgorithm::kSha512).value();
  ASSERT_TRUE(writer.write("abc"));
  Digest digest = Digest::of(DigestAlgorithm::kSha512, "abc");
  ASSERT_TRUE(writer.commit(digest, 3));
  EXPECT_TRUE(std::filesystem::exists(root() / "blobs" / "sha512" / std::string(digest.encoded())));
  EXPECT_EQ(store.read_blob(digest).value(), "abc");
}

// The three ways a stream can be wrong: each is an error naming both values,
// leaves nothing under the digest and no temp file.
TEST_F(BlobTest, WrongDigestSizeOrTruncatedStreamLeaveNothing) {
  Store store = open();
  auto lease = store.lease().value();
  const std::string content = "the real content";
  const Digest right = sha(content);
  const auto size = static_cast<std::int64_t>(content.size());

  auto w1 = lease.writer().value();
  ASSERT_TRUE(w1.write("other content!!!"));  // same size, other bytes
  core::Status s = w1.commit(right, size);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().context().field, "digest");
  EXPECT_NE(s.error().message().find("expected " + right.str()), std::string::npos);
  EXPECT_NE(s.error().message().find("computed " + sha("other content!!!").str()),
            std::string::npos);

  auto w2 = lease.writer().value();
  ASSERT_TRUE(w2.write(content + "x"));
  s = w2.commit(right, size);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().context().field, "size");
  EXPECT_NE(s.error().message().find("expected 16 bytes, got 17"), std::string::npos);

  auto w3 = lease.writer().value();  // truncated: the stream ended early
  ASSERT_TRUE(w3.write(content.substr(0, 5)));
  s = w3.commit(right, size);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("expected 16 bytes, got 5"), std::string::npos);

  EXPECT_FALSE(store.has_blob(right));
  EXPECT_FALSE(store.read_blob(right).is_ok());
  EXPECT_EQ(store.read_blob(right).error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(ingest_files(root()), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(root() / "blobs" / "sha256"));
}

TEST_F(BlobTest, AbandonedWriterRemovesItsTempFile) {
  Store store = open();
  auto lease = store.lease().value();
  {
    auto writer = lease.writer().value();
    ASSERT_TRUE(writer.write("half a layer"));
    EXPECT_EQ(ingest_files(root()), 1u);
  }
  EXPECT_EQ(ingest_files(root()), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(root() / "blobs" / "sha256"));
}

TEST_F(BlobTest, SameBlobTwiceAndFromFourThreads) {
  Store store = open();
  std::string content(300000, 'z');
  Digest digest = sha(content);
  {
    auto lease = store.lease().value();
    ASSERT_TRUE(lease.put_blob(content).is_ok());
    ASSERT_TRUE(lease.put_blob(content).is_ok());
  }
  std::filesystem::remove(root() / "blobs" / "sha256" / std::string(digest.encoded()));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto lease = store.lease();
      if (!lease) return;
      auto writer = lease.value().writer();
      if (!writer) return;
      for (std::size_t i = 0; i < content.size(); i += 7000) {
        if (!writer.value().write(std::string_view(content).substr(i, 7000))) return;
      }
      if (writer.value().commit(digest, static_cast<std::int64_t>(content.size()))) ++ok;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_TRUE(store.verify_blob(digest));
  EXPECT_EQ(ingest_files(root()), 0u);
}

TEST_F(BlobTest, ReadBlobRefusesAboveTheLimitAndCatchesCorruption) {
  Store store = open();
  auto lease = store.lease().value();
  Digest digest = lease.put_blob("0123456789").value();
  auto big = store.read_blob(digest, 5);
  ASSERT_FALSE(big.is_ok());
  EXPECT_EQ(big.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(big.error().message().find("larger than the limit of 5 bytes"), std::string::npos);

  write_file(root() / "blobs" / "sha256" / std::string(digest.encoded()), "0123456780");
  auto corrupt = store.read_blob(digest);
  ASSERT_FALSE(corrupt.is_ok());
  EXPECT_EQ(corrupt.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(corrupt.error().message().find("corrupt"), std::string::npos);
  EXPECT_EQ(store.verify_blob(digest).error().code(), core::ErrorCode::kFailedPrecondition);
  auto report = store.check().value();
  EXPECT_EQ(report.blobs_checked, 1u);
  ASSERT_EQ(report.corrupt.size(), 1u);
  EXPECT_EQ(report.corrupt[0], digest.str());
}

TEST_F(BlobTest, MissingBlobIsNotFound) {
  Store store = open();
  Digest digest = sha("nothing");
  EXPECT_FALSE(store.has_blob(digest));
  EXPECT_EQ(store.blob_size(digest).error().code(), core::ErrorCode::kNotFound);
  auto fd = store.open_blob(digest);
  ASSERT_FALSE(fd.is_ok());
  EXPECT_EQ(fd.error().code(), core::ErrorCode::kNotFound);
  EXPECT_NE(fd.error().message().find(digest.str()), std::string::npos);
}

}  // namespace
}  // namespace oci::store::testing
