#include "oci/layers/metadata_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "layers_fixture.h"

namespace oci::layers {
namespace {

using namespace testing;
using store::testing::StoreTest;

class MetadataCacheTest : public StoreTest {};

MetadataCache make_cache(const MetadataCacheConfig& config) {
  auto cache = MetadataCache::create(config);
  EXPECT_TRUE(cache.is_ok()) << cache.error().to_string();
  return std::move(cache).value();
}

TEST_F(MetadataCacheTest, MissThenHitReturnsTheSameParsedDocument) {
  store::Store store = open();
  BuiltImage image = put_image(store.lease().value(), spec({"a", "b"}));
  MetadataCache cache = make_cache({});

  auto first = cache.get_or_load(store, image.manifest);
  ASSERT_TRUE(first.is_ok()) << first.error().to_string();
  auto second = cache.get_or_load(store, image.manifest);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(first.value().get(), second.value().get());
  EXPECT_EQ(first.value()->type(), DocumentType::kOciManifest);
  EXPECT_EQ(std::get<Manifest>(first.value()->value).layers.size(), 2u);

  core::CacheStats stats = cache.stats();
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.bytes, metadata_entry_bytes(image.manifest.digest.str(), *first.value()));
}

TEST_F(MetadataCacheTest, ParsesByTheDescriptorsMediaType) {
  store::Store store = open();
  auto lease = store.lease().value();
  BuiltImage image = put_image(lease, spec({"a"}));
  BuiltImage docker = put_image(lease, spec({"d"}).as_docker());
  Descriptor index = put_index(lease, {{image.manifest, "linux", "amd64", ""}});
  MetadataCache cache = make_cache({});

  auto config = cache.get_or_load(store, image.config);
  ASSERT_TRUE(config.is_ok()) << config.error().to_string();
  EXPECT_EQ(std::get<ImageConfig>(config.value()->value).diff_ids, image.diff_ids);
  EXPECT_EQ(cache.get_or_load(store, index).value()->type(), DocumentType::kOciIndex);
  EXPECT_EQ(cache.get_or_load(store, docker.manifest).value()->type(),
            DocumentType::kDockerManifest);
  EXPECT_EQ(cache.get_or_load(store, docker.config).value()->type(), DocumentType::kImageConfig);

  // A descriptor without a media type: the document says what it is.
  Descriptor bare = index;
  bare.media_type.clear();
  cache.clear();
  EXPECT_EQ(cache.get_or_load(store, bare).value()->type(), DocumentType::kOciIndex);
}

TEST_F(MetadataCacheTest, EvictsLeastRecentlyUsedUnderTheByteLimit) {
  store::Store store = open();
  auto lease = store.lease().value();
  std::vector<BuiltImage> images;
  for (const char* layer : {"one", "two", "three"})
    images.push_back(put_image(lease, spec({layer})));
  MetadataCache probe = make_cache({});
  const std::size_t entry = metadata_entry_bytes(
      images[0].config.digest.str(), *probe.get_or_load(store, images[0].config).value());
  // Room for two configs (all three have the same size), not three.
  MetadataCache cache =
      make_cache({.max_entries = 100, .max_bytes = 2 * entry + entry / 2, .shards = 1});

  ASSERT_TRUE(cache.get_or_load(store, images[0].config).is_ok());
  ASSERT_TRUE(cache.get_or_load(store, images[1].config).is_ok());
  ASSERT_TRUE(cache.get_or_load(store, images[0].config).is_ok());  // hit: 0 is now recent
  ASSERT_TRUE(cache.get_or_load(store, images[2].config).is_ok());  // evicts 1
  core::CacheStats stats = cache.stats();
  EXPECT_EQ(stats.evictions, 1u);
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_LE(stats.bytes, 2 * entry + entry / 2);
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 3u);

  ASSERT_TRUE(cache.get_or_load(store, images[0].config).is_ok());  // still there
  EXPECT_EQ(cache.stats().hits, 2u);
  ASSERT_TRUE(cache.get_or_load(store, images[1].config).is_ok());  // was evicted
  EXPECT_EQ(cache.stats().misses, 4u);
}

TEST_F(MetadataCacheTest, DocumentLargerThanTheLimitIsReturnedButNotCached) {
  store::Store store = open();
  BuiltImage image = put_image(store.lease().value(), spec({"a"}));
  MetadataCache cache = make_cache({.max_entries = 4, .max_bytes = 16, .shards = 1});
  auto config = cache.get_or_load(store, image.config);
  ASSERT_TRUE(config.is_ok()) << config.error().to_string();
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST_F(MetadataCacheTest, CachedDocumentOfAnotherTypeIsRefused) {
  store::Store store = open();
  BuiltImage image = put_image(store.lease().value(), spec({"a"}));
  MetadataCache cache = make_cache({});
  ASSERT_TRUE(cache.get_or_load(store, image.manifest).is_ok());
  Descriptor as_index = image.manifest;
  as_index.media_type = std::string(media_type::kOciIndex);
  auto refused = cache.get_or_load(store, as_index);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().context().field, "mediaType");
  EXPECT_NE(refused.error().message().find("OCI image manifest"), std::string::npos);
}

TEST_F(MetadataCacheTest, BadBlobsAreErrorsAndNotCached) {
  store::Store store = open();
  BuiltImage image = put_image(store.lease().value(), spec({"a"}));
  MetadataCache cache = make_cache({});

  Descriptor missing = describe(media_type::kOciConfig, "{}");
  auto not_found = cache.get_or_load(store, missing);
  ASSERT_FALSE(not_found.is_ok());
  EXPECT_EQ(not_found.error().code(), core::ErrorCode::kNotFound);
  EXPECT_NE(not_found.error().message().find(missing.digest.str()), std::string::npos);

  Descriptor wrong_size = image.config;
  wrong_size.size += 1;
  auto size = cache.get_or_load(store, wrong_size);
  ASSERT_FALSE(size.is_ok());
  EXPECT_EQ(size.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(size.error().context().field, "size");

  Descriptor layer_type = image.config;
  layer_type.media_type = std::string(media_type::kOciLayerTar);
  auto not_metadata = cache.get_or_load(store, layer_type);
  ASSERT_FALSE(not_metadata.is_ok());
  EXPECT_EQ(not_metadata.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(not_metadata.error().context().field, "mediaType");

  store::testing::write_file(blob_path(store, image.config.digest), "{\"tampered\": true}");
  auto corrupt = cache.get_or_load(store, image.config);
  ASSERT_FALSE(corrupt.is_ok());
  EXPECT_EQ(corrupt.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST_F(MetadataCacheTest, RefusesLimitsTheShardsCannotSplit) {
  auto cache = MetadataCache::create({.max_entries = 100, .max_bytes = 1 << 20, .shards = 3});
  ASSERT_FALSE(cache.is_ok());
  EXPECT_EQ(cache.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(cache.error().context().field, "shards");
}

TEST_F(MetadataCacheTest, FourThreadsLoadTheSameDocumentsSafely) {
  store::Store store = open();
  auto lease = store.lease().value();
  std::vector<Descriptor> documents;
  for (int i = 0; i < 8; ++i) {
    BuiltImage image = put_image(lease, spec({"layer " + std::to_string(i)}));
    documents.push_back(image.manifest);
    documents.push_back(image.config);
  }
  MetadataCache cache = make_cache({.max_entries = 64, .max_bytes = 1 << 20, .shards = 4});
  constexpr int kRounds = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const Descriptor& d = documents[(round + t) % documents.size()];
        auto document = cache.get_or_load(store, d);
        if (!document.is_ok() || document.value()->digest != d.digest) ++failures;
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  core::CacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits + stats.misses, 4u * kRounds);
  EXPECT_GE(stats.misses, documents.size());
  EXPECT_EQ(stats.entries, documents.size());
  EXPECT_EQ(stats.evictions, 0u);
}

}  // namespace
}  // namespace oci::layers
