// tests/oci/archive/layer_sources_test.cpp: VerifiedLayer and LayerSources
// over a real temporary content store: layers come back in order and intact
// whatever the parallelism and budget, and each kind of bad layer fails at
// that layer with the field it is about.
#include "oci/archive/layer_sources.h"

#include <gtest/gtest.h>

#include "../store/store_fixture.h"
#include "archive_test_data.h"

namespace oci::archive {
namespace {

using store::testing::describe;
using store::testing::sha;
using testing::gzip;
using testing::layer_data;
using testing::zstd;

class LayerSourcesTest : public store::testing::StoreTest {
 protected:
  // Puts `packed` into the store; the spec checks its digest and `raw`'s.
  LayerSpec put(std::string_view media_type, const std::string& packed, const std::string& raw) {
    auto lease = store().lease();
    EXPECT_TRUE(lease.is_ok());
    auto digest = lease.value().put_blob(packed);
    EXPECT_TRUE(digest.is_ok()) << digest.error().to_string();
    return LayerSpec{describe(media_type, packed), sha(raw)};
  }

  // Five layers: gzip, zstd, plain, gzip, gzip (~`bytes` each).
  void put_five(std::size_t bytes = 600 << 10) {
    for (unsigned i = 0; i < 5; ++i) {
      raw_.push_back(layer_data(bytes + i * 1000, 100 + i));
      const std::string& raw = raw_.back();
      if (i == 1) {
        specs_.push_back(put(media_type::kOciLayerTarZstd, zstd(raw), raw));
      } else if (i == 2) {
        specs_.push_back(put(media_type::kOciLayerTar, raw, raw));
      } else {
        specs_.push_back(put(media_type::kOciLayerTarGzip, gzip(raw), raw));
      }
    }
  }

  store::Store& store() {
    if (!store_) store_.emplace(open());
    return *store_;
  }

  LayerSources open_sources(unsigned parallelism, std::size_t budget = 256 << 20) {
    auto sources = LayerSources::open(store(), specs_, {parallelism, budget});
    EXPECT_TRUE(sources.is_ok()) << sources.error().to_string();
    return std::move(sources).value();
  }

  std::optional<store::Store> store_;
  std::vector<std::string> raw_;
  std::vector<LayerSpec> specs_;
};

// Reads a source to its end: the bytes, or the error that ended it.
core::Result<std::string> read_all(ByteSource& source) {
  std::string out;
  for (;;) {
    auto chunk = source.next();
    if (!chunk) return chunk.error();
    if (chunk.value().empty()) return out;
    out.append(chunk.value());
  }
}

TEST_F(LayerSourcesTest, FiveLayersInOrder) {
  put_five();
  LayerSources sources = open_sources(3);
  ASSERT_EQ(sources.size(), 5u);
  EXPECT_EQ(sources.threads(), 3u);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto bytes = read_all(sources.layer(i));
    ASSERT_TRUE(bytes.is_ok()) << i << ": " << bytes.error().to_string();
    EXPECT_TRUE(bytes.value() == raw_[i]) << "layer " << i;
    // The end stays the end.
    auto again = sources.layer(i).next();
    ASSERT_TRUE(again.is_ok());
    EXPECT_TRUE(again.value().empty());
  }
}

TEST_F(LayerSourcesTest, ThreadsAreCappedByLayersAndBudget) {
  put_five();
  EXPECT_EQ(open_sources(64).threads(), 5u);  // no more threads than layers
  // A 128 KiB budget holds two 64 KiB chunks: a third thread could not get ahead.
  LayerSources small = open_sources(4, 128 << 10);
  EXPECT_EQ(small.threads(), 2u);
  for (std::size_t i = 0; i < small.size(); ++i) {
    auto bytes = read_all(small.layer(i));
    ASSERT_TRUE(bytes.is_ok()) << bytes.error().to_string();
    EXPECT_TRUE(bytes.value() == raw_[i]);
  }
  LayerSources moved = std::move(small);
  EXPECT_EQ(small.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state
  EXPECT_EQ(small.threads(), 0u);
}

TEST_F(LayerSourcesTest, ParallelismOneAndManyGiveTheSameBytes) {
  put_five();
  for (unsigned parallelism : {1u, 2u, 5u, 0u}) {
    LayerSources sources = open_sources(parallelism);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      auto bytes = read_all(sources.layer(i));
      ASSERT_TRUE(bytes.is_ok()) << bytes.error().to_string();
      EXPECT_TRUE(bytes.value() == raw_[i]) << "parallelism " << parallelism << " layer " << i;
    }
  }
}

TEST_F(LayerSourcesTest, TinyBudgetStillCompletes) {
  put_five(2 << 20);
  for (unsigned parallelism : {1u, 4u}) {
    LayerSources sources = open_sources(parallelism, 1024);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      auto bytes = read_all(sources.layer(i));
      ASSERT_TRUE(bytes.is_ok()) << bytes.error().to_string();
      EXPECT_TRUE(bytes.value() == raw_[i]) << "layer " << i;
    }
  }
}

TEST_F(LayerSourcesTest, DestroyAfterTheFirstLayerStopsTheThreads) {
  put_five(2 << 20);
  {
    LayerSources sources = open_sources(4, 1 << 20);
    auto bytes = read_all(sources.layer(0));
    ASSERT_TRUE(bytes.is_ok());
    // Half of layer 1, then give up.
    ASSERT_TRUE(sources.layer(1).next().is_ok());
  }
  // Destroyed with nothing read at all.
  { LayerSources sources = open_sources(2, 4096); }
}

TEST_F(LayerSourcesTest, ReadingOutOfOrderIsRefused) {
  put_five();
  LayerSources sources = open_sources(2);
  auto early = sources.layer(1).next();
  ASSERT_FALSE(early.is_ok());
  EXPECT_EQ(early.error().code(), core::ErrorCode::kFailedPrecondition);
  // The proper order still works.
  auto bytes = read_all(sources.layer(0));
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_TRUE(bytes.value() == raw_[0]);
}

TEST_F(LayerSourcesTest, NoLayers) {
  LayerSources sources = open_sources(4);
  EXPECT_EQ(sources.size(), 0u);
  EXPECT_EQ(sources.threads(), 0u);
}

TEST_F(LayerSourcesTest, ZeroBudgetIsRefused) {
  auto sources = LayerSources::open(store(), {}, {1, 0});
  ASSERT_FALSE(sources.is_ok());
  EXPECT_EQ(sources.error().context().field, "buffer_bytes");
}

// Layers 0..bad-1 read fine, layer `bad` fails with `code` and `field`.
void expect_fails_at(LayerSources& sources, const std::vector<std::string>& raw, std::size_t bad,
                     core::ErrorCode code, const std::string& field, const std::string& text) {
  for (std::size_t i = 0; i < bad; ++i) {
    auto bytes = read_all(sources.layer(i));
    ASSERT_TRUE(bytes.is_ok()) << i << ": " << bytes.error().to_string();
    EXPECT_TRUE(bytes.value() == raw[i]);
  }
  auto bytes = read_all(sources.layer(bad));
  ASSERT_FALSE(bytes.is_ok()) << "layer " << bad << " should fail";
  EXPECT_EQ(bytes.error().code(), code) << bytes.error().to_string();
  EXPECT_EQ(bytes.error().context().field, field) << bytes.error().to_string();
  EXPECT_NE(bytes.error().message().find(text), std::string::npos) << bytes.error().message();
  // Sticky.
  auto again = sources.layer(bad).next();
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.error().code(), code);
}

TEST_F(LayerSourcesTest, WrongDigestFailsAtThatLayer) {
  put_five();
  // A corrupt store: layer 3's name holds other bytes of the same size.
  std::string hex(specs_[3].blob.digest.encoded());
  std::string stored = store::testing::read_file(root() / "blobs" / "sha256" / hex);
  stored[stored.size() / 2] ^= 1;
  std::filesystem::remove(root() / "blobs" / "sha256" / hex);
  store::testing::write_file(root() / "blobs" / "sha256" / hex, stored);
  LayerSources sources = open_sources(2);
  std::string computed = sha(stored).str();
  auto bytes = [&] {
    for (std::size_t i = 0; i < 3; ++i)
      EXPECT_TRUE(read_all(sources.layer(i)).is_ok());
    return read_all(sources.layer(3));
  }();
  ASSERT_FALSE(bytes.is_ok());
  EXPECT_EQ(bytes.error().code(), core::ErrorCode::kInvalidArgument);
  // A flipped bit in deflate data is caught by the decompressor or, if it
  // still decodes, by the digest; either names the layer.
  EXPECT_NE(bytes.error().message().find("layer " + specs_[3].blob.digest.str()), std::string::npos)
      << bytes.error().message();
}

TEST_F(LayerSourcesTest, DigestMismatchOfAValidStreamNamesTheDigestField) {
  put_five();
  // Layer 2 is uncompressed, so a changed byte decodes fine and only the
  // digest can tell.
  std::string hex(specs_[2].blob.digest.encoded());
  std::string stored = raw_[2];
  stored[10] = stored[10] == 'x' ? 'y' : 'x';
  std::filesystem::remove(root() / "blobs" / "sha256" / hex);
  store::testing::write_file(root() / "blobs" / "sha256" / hex, stored);
  LayerSources sources = open_sources(3);
  expect_fails_at(sources, raw_, 2, core::ErrorCode::kInvalidArgument, "digest",
                  "layer " + specs_[2].blob.digest.str() + ": digest mismatch: expected " +
                      specs_[2].blob.digest.str() + ", computed " + sha(stored).str());
}

TEST_F(LayerSourcesTest, DescriptorSizeTooSmallOrTooBig) {
  put_five();
  specs_[1].blob.size += 1;
  {
    LayerSources sources = open_sources(2);
    expect_fails_at(sources, raw_, 1, core::ErrorCode::kInvalidArgument, "size", "size mismatch");
  }
  specs_[1].blob.size -= 2;
  {
    LayerSources sources = open_sources(2);
    expect_fails_at(sources, raw_, 1, core::ErrorCode::kInvalidArgument, "size",
                    "the blob is longer");
  }
}

TEST_F(LayerSourcesTest, WrongDiffIdFailsAtThatLayer) {
  put_five();
  specs_[4].diff_id = sha("something else");
  LayerSources sources = open_sources(0);
  expect_fails_at(sources, raw_, 4, core::ErrorCode::kInvalidArgument, "diff_id",
                  "diff_id mismatch: expected " + sha("something else").str() + ", computed " +
                      sha(raw_[4]).str());
}

TEST_F(LayerSourcesTest, EmptyDiffIdIsNotChecked) {
  put_five();
  for (LayerSpec& spec : specs_)
    spec.diff_id = Digest();
  LayerSources sources = open_sources(2);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto bytes = read_all(sources.layer(i));
    ASSERT_TRUE(bytes.is_ok()) << bytes.error().to_string();
    EXPECT_TRUE(bytes.value() == raw_[i]);
  }
}

TEST_F(LayerSourcesTest, MissingBlobFailsAtThatLayer) {
  put_five();
  std::string absent = layer_data(1000, 999);
  specs_[2] = LayerSpec{describe(media_type::kOciLayerTarGzip, gzip(absent)), sha(absent)};
  raw_[2] = absent;
  LayerSources sources = open_sources(4);
  expect_fails_at(sources, raw_, 2, core::ErrorCode::kNotFound, "",
                  "layer " + specs_[2].blob.digest.str());
}

TEST_F(LayerSourcesTest, CorruptGzipFailsAtThatLayer) {
  put_five();
  // Stored under its own digest, so only the decompressor can object.
  std::string packed = gzip(raw_[3]);
  packed[packed.size() / 2] ^= 0x55;
  packed[packed.size() / 2 + 1] ^= 0x55;
  specs_[3] = put(media_type::kOciLayerTarGzip, packed, raw_[3]);
  LayerSources sources = open_sources(3);
  for (std::size_t i = 0; i < 3; ++i)
    ASSERT_TRUE(read_all(sources.layer(i)).is_ok());
  auto bytes = read_all(sources.layer(3));
  ASSERT_FALSE(bytes.is_ok());
  EXPECT_EQ(bytes.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(bytes.error().message().find("layer " + specs_[3].blob.digest.str() + ": gzip"),
            std::string::npos)
      << bytes.error().message();
}

TEST_F(LayerSourcesTest, TruncatedZstdFailsAtThatLayer) {
  put_five();
  std::string packed = zstd(raw_[1]);
  packed.resize(packed.size() - 100);
  specs_[1] = put(media_type::kOciLayerTarZstd, packed, raw_[1]);
  LayerSources sources = open_sources(1);
  ASSERT_TRUE(read_all(sources.layer(0)).is_ok());
  auto bytes = read_all(sources.layer(1));
  ASSERT_FALSE(bytes.is_ok());
  EXPECT_NE(bytes.error().message().find("zstd: truncated"), std::string::npos)
      << bytes.error().message();
}

TEST_F(LayerSourcesTest, UnsupportedMediaTypeFailsAtThatLayer) {
  put_five();
  specs_[1].blob.media_type = "application/vnd.oci.image.layer.v1.tar+lz4";
  LayerSources sources = open_sources(2);
  expect_fails_at(sources, raw_, 1, core::ErrorCode::kInvalidArgument, "mediaType",
                  "unsupported layer media type");
}

TEST_F(LayerSourcesTest, EmptyMediaTypeIsSniffed) {
  put_five();
  for (LayerSpec& spec : specs_)
    spec.blob.media_type.clear();
  LayerSources sources = open_sources(2);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto bytes = read_all(sources.layer(i));
    ASSERT_TRUE(bytes.is_ok()) << bytes.error().to_string();
    EXPECT_TRUE(bytes.value() == raw_[i]);
  }
}

TEST_F(LayerSourcesTest, VerifiedLayerAloneAndEmptyBlob) {
  std::string raw = layer_data(3 << 20, 5);
  LayerSpec spec = put(media_type::kDockerLayerTarGzip, gzip(raw), raw);
  auto layer = VerifiedLayer::open(store(), spec);
  ASSERT_TRUE(layer.is_ok()) << layer.error().to_string();
  auto bytes = read_all(*layer.value());
  ASSERT_TRUE(bytes.is_ok()) << bytes.error().to_string();
  EXPECT_TRUE(bytes.value() == raw);

  LayerSpec empty = put(media_type::kDockerLayerTar, "", "");
  auto empty_layer = VerifiedLayer::open(store(), empty);
  ASSERT_TRUE(empty_layer.is_ok());
  auto none = read_all(*empty_layer.value());
  ASSERT_TRUE(none.is_ok()) << none.error().to_string();
  EXPECT_EQ(none.value(), "");
}

TEST_F(LayerSourcesTest, UnsupportedDigestAlgorithmIsRefused) {
  std::string raw = "x";
  LayerSpec spec = put(media_type::kOciLayerTar, raw, raw);
  spec.diff_id = Digest::parse("blake3:abcd").value();
  auto layer = VerifiedLayer::open(store(), spec);
  ASSERT_FALSE(layer.is_ok());
  EXPECT_EQ(layer.error().context().field, "diff_id");
}

}  // namespace
}  // namespace oci::archive
