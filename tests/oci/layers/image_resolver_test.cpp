#include "oci/layers/image_resolver.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "layers_fixture.h"
#include "oci/layers/chain_id.h"

namespace oci::layers {
namespace {

using namespace testing;
using store::testing::StoreTest;

const Platform kAmd64 = linux_on("amd64");
const Platform kArm64 = linux_on("arm64");

class ResolverTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_ = std::make_unique<store::Store>(open());
    lease_ = std::make_unique<store::StoreLease>(store_->lease().value());
  }

  core::Result<ResolvedImage> resolve(const Descriptor& root, const Platform& want = kAmd64,
                                      MetadataCache* cache = nullptr) {
    return resolve_image(*store_, root, want, cache);
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::StoreLease> lease_;
};

::testing::AssertionResult FailsWith(const core::Result<ResolvedImage>& result,
                                     core::ErrorCode code,
                                     const std::vector<std::string>& needles) {
  if (result.is_ok()) return ::testing::AssertionFailure() << "resolved, expected an error";
  const core::Error& e = result.error();
  if (e.code() != code) return ::testing::AssertionFailure() << "wrong code: " << e.to_string();
  for (const std::string& needle : needles) {
    if (e.message().find(needle) == std::string::npos) {
      return ::testing::AssertionFailure() << "message lacks '" << needle << "': " << e.to_string();
    }
  }
  return ::testing::AssertionSuccess();
}

TEST_F(ResolverTest, OciManifest) {
  BuiltImage image = put_image(*lease_, spec({"base", "app", "config"}));
  auto resolved = resolve(image.manifest);
  ASSERT_TRUE(resolved.is_ok()) << resolved.error().to_string();
  const ResolvedImage& r = resolved.value();
  EXPECT_EQ(r.manifest_descriptor.digest, image.manifest.digest);
  EXPECT_TRUE(r.index_path.empty());
  EXPECT_EQ(r.config_descriptor.digest, image.config.digest);
  EXPECT_EQ(r.config.platform.architecture, "amd64");
  ASSERT_EQ(r.layers.size(), 3u);
  const std::vector<Digest> chain = chain_ids(image.diff_ids);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.layers[i].blob.digest, image.layers[i].digest);
    EXPECT_EQ(r.layers[i].diff_id, image.diff_ids[i]);
    EXPECT_EQ(r.layers[i].chain_id, chain[i]);
  }
  EXPECT_EQ(r.layers[0].chain_id, image.diff_ids[0]);
}

TEST_F(ResolverTest, IndexPicksTheWantedPlatform) {
  BuiltImage amd = put_image(*lease_, spec({"amd"}));
  BuiltImage arm = put_image(*lease_, spec({"arm"}).arch("arm64"));
  Descriptor index = put_index(
      *lease_, {{amd.manifest, "linux", "amd64", ""}, {arm.manifest, "linux", "arm64", "v8"}});
  auto on_arm = resolve(index, kArm64);
  ASSERT_TRUE(on_arm.is_ok()) << on_arm.error().to_string();
  EXPECT_EQ(on_arm.value().manifest_descriptor.digest, arm.manifest.digest);
  EXPECT_EQ(on_arm.value().index_path, std::vector<Digest>{index.digest});
  auto on_amd = resolve(index, kAmd64);
  ASSERT_TRUE(on_amd.is_ok()) << on_amd.error().to_string();
  EXPECT_EQ(on_amd.value().manifest_descriptor.digest, amd.manifest.digest);

  auto riscv = resolve(index, linux_on("riscv64"));
  EXPECT_TRUE(FailsWith(riscv, core::ErrorCode::kNotFound,
                        {"index " + index.digest.str(), "linux/riscv64", "linux/arm64/v8"}));
}

TEST_F(ResolverTest, NestedIndex) {
  BuiltImage image = put_image(*lease_, spec({"a", "b"}));
  Descriptor inner = put_index(*lease_, {{image.manifest, "linux", "amd64", ""}});
  Descriptor outer = put_index(*lease_, {{inner, "", "", ""}});
  MetadataCache cache = MetadataCache::create().value();
  auto resolved = resolve(outer, kAmd64, &cache);
  ASSERT_TRUE(resolved.is_ok()) << resolved.error().to_string();
  EXPECT_EQ(resolved.value().index_path, (std::vector<Digest>{outer.digest, inner.digest}));
  EXPECT_EQ(resolved.value().layers.size(), 2u);
  EXPECT_EQ(cache.stats().misses, 4u);  // two indexes, the manifest, the config
  ASSERT_TRUE(resolve(outer, kAmd64, &cache).is_ok());
  EXPECT_EQ(cache.stats().hits, 4u);
}

TEST_F(ResolverTest, DockerManifestListAndManifest) {
  BuiltImage image = put_image(*lease_, spec({"d1", "d2"}).as_docker());
  Descriptor list = put_index(*lease_, {{image.manifest, "linux", "amd64", ""}}, true);
  auto resolved = resolve(list);
  ASSERT_TRUE(resolved.is_ok()) << resolved.error().to_string();
  const ResolvedImage& r = resolved.value();
  EXPECT_EQ(r.index_path, std::vector<Digest>{list.digest});
  EXPECT_EQ(r.manifest.media_type, media_type::kDockerManifest);
  EXPECT_EQ(r.config_descriptor.media_type, media_type::kDockerConfig);
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(r.layers[0].blob.media_type, media_type::kDockerLayerTar);
  EXPECT_EQ(r.layers[1].chain_id, chain_ids(image.diff_ids)[1]);
}

// A cycle needs a SHA-256 fixed point to exist in a verified store, but a
// cache may be filled by its user (a pull), so the resolver checks anyway.
Descriptor index_descriptor(const Digest& digest) {
  Descriptor d;
  d.media_type = std::string(media_type::kOciIndex);
  d.digest = digest;
  d.size = 100;
  return d;
}

std::shared_ptr<const ParsedDocument> index_document(const Digest& self,
                                                     const std::vector<Digest>& entries) {
  Index index;
  index.media_type = std::string(media_type::kOciIndex);
  for (const Digest& d : entries) {
    index.manifests.push_back(index_descriptor(d));
  }
  return std::make_shared<const ParsedDocument>(ParsedDocument{self, 100, std::move(index)});
}

TEST_F(ResolverTest, SelfReferencingIndexIsACycle) {
  const Digest a = digest_of("index a");
  MetadataCache cache = MetadataCache::create().value();
  ASSERT_TRUE(cache.put(index_document(a, {a})).is_ok());
  auto resolved = resolve(index_descriptor(a), kAmd64, &cache);
  EXPECT_TRUE(
      FailsWith(resolved, core::ErrorCode::kCycle, {"index cycle: " + a.str() + " -> " + a.str()}));
}

TEST_F(ResolverTest, MutuallyReferencingIndexesAreACycle) {
  const Digest a = digest_of("index a");
  const Digest b = digest_of("index b");
  MetadataCache cache = MetadataCache::create().value();
  ASSERT_TRUE(cache.put(index_document(a, {b})).is_ok());
  ASSERT_TRUE(cache.put(index_document(b, {a})).is_ok());
  auto resolved = resolve(index_descriptor(a), kAmd64, &cache);
  EXPECT_TRUE(FailsWith(resolved, core::ErrorCode::kCycle,
                        {a.str() + " -> " + b.str() + " -> " + a.str()}));
  EXPECT_EQ(resolved.error().context().field, "manifests");
}

TEST_F(ResolverTest, DeeplyNestedIndexesAreRefused) {
  BuiltImage image = put_image(*lease_, spec({"a"}));
  Descriptor top = image.manifest;
  for (std::size_t i = 0; i < kMaxIndexDepth; ++i)
    top = put_index(*lease_, {{top, "", "", ""}});
  ASSERT_TRUE(resolve(top).is_ok());  // exactly the limit
  Descriptor bomb = put_index(*lease_, {{top, "", "", ""}});
  EXPECT_TRUE(
      FailsWith(resolve(bomb), core::ErrorCode::kInvalidArgument,
                {"nested deeper than " + std::to_string(kMaxIndexDepth), bomb.digest.str()}));
}

TEST_F(ResolverTest, MissingConfigNamesItAndItsManifest) {
  BuiltImage image = put_image(*lease_, spec({"a"}), /*write_config=*/false);
  EXPECT_TRUE(FailsWith(resolve(image.manifest), core::ErrorCode::kNotFound,
                        {"config " + image.config.digest.str(),
                         "of manifest " + image.manifest.digest.str(), "not found"}));
}

TEST_F(ResolverTest, MissingManifestNamesItsIndex) {
  BuiltImage image = put_image(*lease_, spec({"a"}));
  Descriptor absent = describe(media_type::kOciManifest, "not stored");
  Descriptor index =
      put_index(*lease_, {{absent, "linux", "amd64", ""}, {image.manifest, "", "", ""}});
  EXPECT_TRUE(FailsWith(resolve(index), core::ErrorCode::kNotFound,
                        {"manifest " + absent.digest.str() + " of index " + index.digest.str()}));
  EXPECT_TRUE(
      FailsWith(resolve(absent), core::ErrorCode::kNotFound, {"root " + absent.digest.str()}));
}

TEST_F(ResolverTest, LayerCountMustMatchDiffIds) {
  BuiltImage image = put_image(*lease_, spec({"a", "b"}).listing(1));
  auto resolved = resolve(image.manifest);
  EXPECT_TRUE(FailsWith(resolved, core::ErrorCode::kInvalidArgument,
                        {"has 2 layers", "has 1 rootfs.diff_ids"}));
  EXPECT_EQ(resolved.error().context().field, "rootfs.diff_ids");
  BuiltImage more = put_image(*lease_, spec({"c"}).listing(3));
  EXPECT_TRUE(FailsWith(resolve(more.manifest), core::ErrorCode::kInvalidArgument,
                        {"has 1 layers", "has 3 rootfs.diff_ids"}));
}

TEST_F(ResolverTest, ConfigForAnotherPlatformIsRefused) {
  BuiltImage image = put_image(*lease_, spec({"a"}).arch("arm64"));
  EXPECT_TRUE(FailsWith(resolve(image.manifest), core::ErrorCode::kFailedPrecondition,
                        {"is for linux/arm64", "linux/amd64 host cannot run"}));
  // An index entry without a platform only defers the check to the config.
  Descriptor index = put_index(*lease_, {{image.manifest, "", "", ""}});
  EXPECT_TRUE(FailsWith(resolve(index), core::ErrorCode::kFailedPrecondition, {"linux/arm64"}));
  // A compatible older platform runs: amd64 hosts run 386.
  BuiltImage i386 = put_image(*lease_, spec({"b"}).arch("386"));
  EXPECT_TRUE(resolve(i386.manifest).is_ok());
}

TEST_F(ResolverTest, CorruptBlobIsRefused) {
  BuiltImage image = put_image(*lease_, spec({"a"}));
  store::testing::write_file(blob_path(*store_, image.manifest.digest), "{\"schemaVersion\": 2}");
  auto resolved = resolve(image.manifest);
  EXPECT_TRUE(FailsWith(resolved, core::ErrorCode::kFailedPrecondition,
                        {"root " + image.manifest.digest.str()}));
}

TEST_F(ResolverTest, RootThatIsAConfigIsRefused) {
  BuiltImage image = put_image(*lease_, spec({"a"}));
  EXPECT_TRUE(FailsWith(resolve(image.config), core::ErrorCode::kInvalidArgument,
                        {"is an image config, not a manifest or index"}));
}

TEST_F(ResolverTest, ManifestWhoseConfigIsNotAConfigIsRefused) {
  BuiltImage image = put_image(*lease_, spec({"a"}));
  // A manifest naming another manifest as its "config" (an artifact's).
  const std::string bytes = json{{"schemaVersion", 2},
                                 {"mediaType", media_type::kOciManifest},
                                 {"config", descriptor_json(image.manifest)},
                                 {"layers", json::array({descriptor_json(image.layers[0])})}}
                                .dump();
  put(*lease_, bytes);
  Descriptor odd = describe(media_type::kOciManifest, bytes);
  EXPECT_TRUE(FailsWith(resolve(odd), core::ErrorCode::kInvalidArgument,
                        {"config " + image.manifest.digest.str(), "not an image config"}));
}

}  // namespace
}  // namespace oci::layers
