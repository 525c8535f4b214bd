#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

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
  // put_blob hashes with the algorithm asked for (a pull by a sha512 digest).
  EXPECT_EQ(lease.put_blob("abcd", DigestAlgorithm::kSha512).value(),
            Digest::of(DigestAlgorithm::kSha512, "abcd"));
  EXPECT_EQ(store.read_blob(Digest::of(DigestAlgorithm::kSha512, "abcd")).value(), "abcd");
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

// A symlink planted at a blob name is never followed: not served, not sized,
// not taken for the blob by a writer (which replaces the link, not its
// target).
TEST_F(BlobTest, SymlinkAtABlobNameIsNeitherServedNorTrusted) {
  Store store = open();
  const std::string content = "bytes that live outside the store";
  const Digest digest = sha(content);
  const std::filesystem::path outside = dir_ / "outside";
  write_file(outside, content);
  const std::filesystem::path name = root() / "blobs" / "sha256" / std::string(digest.encoded());
  std::filesystem::create_symlink(outside, name);

  EXPECT_FALSE(store.has_blob(digest));
  for (const core::Error& e :
       {store.open_blob(digest).error(), store.read_blob(digest).error(),
        store.blob_size(digest).error(), store.verify_blob(digest).error()}) {
    EXPECT_EQ(e.code(), core::ErrorCode::kFailedPrecondition) << e.to_string();
    EXPECT_NE(e.message().find("symlink"), std::string::npos) << e.to_string();
    EXPECT_EQ(e.context().file, name.string());
  }

  auto lease = store.lease().value();
  ASSERT_EQ(lease.put_blob(content).value(), digest);
  EXPECT_FALSE(std::filesystem::is_symlink(name));
  EXPECT_EQ(store.read_blob(digest).value(), content);
  EXPECT_EQ(read_file(outside), content);
}

// A FIFO at a blob name, or a link to a device, fails at once: no read or
// ref check blocks (while holding a lease) or streams forever.
TEST_F(BlobTest, NonRegularFilesAtBlobNamesFailWithoutBlocking) {
  Store store = open();
  const Digest fifo = sha("fifo");
  const std::filesystem::path fifo_path = root() / "blobs" / "sha256" / std::string(fifo.encoded());
  ASSERT_EQ(::mkfifo(fifo_path.c_str(), 0644), 0);
  EXPECT_FALSE(store.has_blob(fifo));
  auto read = store.read_blob(fifo);
  ASSERT_FALSE(read.is_ok());
  EXPECT_EQ(read.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(read.error().message().find("FIFO"), std::string::npos);
  EXPECT_EQ(store.blob_size(fifo).error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.verify_blob(fifo).error().code(), core::ErrorCode::kFailedPrecondition);
  auto lease = store.lease().value();
  Descriptor d = describe(media_type::kOciManifest, "fifo");
  core::Status s = lease.set_ref(make_ref("fifo"), d);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().context().file, fifo_path.string());

  const Digest zero = sha("zero");
  std::filesystem::create_symlink("/dev/zero",
                                  root() / "blobs" / "sha256" / std::string(zero.encoded()));
  EXPECT_EQ(store.verify_blob(zero).error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.read_blob(zero).error().code(), core::ErrorCode::kFailedPrecondition);
  // check() reports both entries as problems, never as blobs it hashed.
  auto report = store.check().value();
  EXPECT_EQ(report.blobs_checked, 0u);
  EXPECT_EQ(report.problems.size(), 2u);
}

// A crashed process may leave the very temp name a new process with its pid
// would pick; creation then takes a random suffix instead of failing.
TEST_F(BlobTest, TempNameCollisionsGetARandomSuffix) {
  Store store = open();
  auto lease = store.lease().value();
  // unique_name's counter is process-wide: the next name is this one + 1.
  const std::string peek = unique_name("");
  const std::string prefix = peek.substr(0, peek.find('-') + 1);
  const auto next = std::stoull(peek.substr(peek.find('-') + 1)) + 1;
  write_file(root() / "ingest" / (prefix + std::to_string(next)), "left by a crash");

  auto writer = lease.writer().value();  // takes `next`
  ASSERT_TRUE(writer.write("abc"));
  EXPECT_EQ(ingest_files(root()), 2u);
  ASSERT_TRUE(writer.commit(sha("abc"), 3));
  EXPECT_EQ(store.read_blob(sha("abc")).value(), "abc");

  TestImage image = put_image(lease, "collide");  // four blobs: next + 1 .. next + 4
  write_file(root() / ("index.json.tmp-" + prefix + std::to_string(next + 5)), "left by a crash");
  ASSERT_TRUE(lease.set_ref(make_ref("app"), image.manifest));  // index.json takes next + 5
  EXPECT_EQ(store.resolve(make_ref("app")).value().digest, image.manifest.digest);
}

TEST_F(BlobTest, UnsupportedAlgorithmIsNotCalledCorrupt) {
  Store store = open();
  Digest other = Digest::parse("blake3:" + std::string(64, 'a')).value();
  write_file(root() / "blobs" / "blake3" / std::string(64, 'a'), "x");
  auto read = store.read_blob(other);
  ASSERT_FALSE(read.is_ok());
  EXPECT_EQ(read.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(read.error().message().find("unsupported digest algorithm 'blake3'"),
            std::string::npos);
  EXPECT_EQ(read.error().message().find("corrupt"), std::string::npos);
  EXPECT_EQ(store.verify_blob(other).error().code(), core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace oci::store::testing
