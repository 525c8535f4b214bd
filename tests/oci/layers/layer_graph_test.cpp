#include "oci/layers/layer_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "layers_fixture.h"
#include "oci/layers/chain_id.h"

namespace oci::layers {
namespace {

using namespace testing;
using store::testing::StoreTest;

// Layers whose blobs are their contents and whose ChainIDs are computed.
std::vector<Layer> layers_of(const std::vector<std::string>& contents) {
  std::vector<Digest> diff_ids;
  for (const std::string& c : contents)
    diff_ids.push_back(digest_of(c));
  const std::vector<Digest> chain = chain_ids(diff_ids);
  std::vector<Layer> layers;
  for (std::size_t i = 0; i < contents.size(); ++i) {
    layers.push_back(Layer{describe(media_type::kOciLayerTar, contents[i]), diff_ids[i], chain[i]});
  }
  return layers;
}

std::size_t position(const std::vector<Digest>& order, const Digest& d) {
  return static_cast<std::size_t>(std::find(order.begin(), order.end(), d) - order.begin());
}

TEST(LayerGraph, TwoImagesSharingABase) {
  LayerGraph graph;
  const std::vector<Layer> web = layers_of({"debian", "nginx"});
  const std::vector<Layer> db = layers_of({"debian", "postgres", "extensions"});
  ASSERT_TRUE(graph.add_image("web:1", web).is_ok());
  ASSERT_TRUE(graph.add_image("db:1", db).is_ok());

  EXPECT_EQ(graph.node_count(), 4u);
  EXPECT_EQ(graph.image_count(), 2u);
  EXPECT_EQ(graph.shared_layers(), std::vector<Digest>{web[0].chain_id});
  EXPECT_EQ(graph.images_using(web[0].chain_id).value(),
            (std::vector<std::string>{"db:1", "web:1"}));
  EXPECT_EQ(graph.images_using(db[2].chain_id).value(), std::vector<std::string>{"db:1"});
  EXPECT_EQ(graph.parents(db[2].chain_id).value(),
            (std::vector<Digest>{db[1].chain_id, db[0].chain_id}));
  EXPECT_TRUE(graph.parents(web[0].chain_id).value().empty());

  const LayerNode* base = graph.find(web[0].chain_id);
  ASSERT_NE(base, nullptr);
  EXPECT_TRUE(base->parent.empty());
  EXPECT_EQ(base->diff_id, web[0].diff_id);
  EXPECT_EQ(base->children, (std::vector<Digest>{web[1].chain_id, db[1].chain_id}));
  EXPECT_EQ(graph.find(db[1].chain_id)->parent, db[0].chain_id);
}

TEST(LayerGraph, RemovingOneImageKeepsTheSharedNodes) {
  LayerGraph graph;
  const std::vector<Layer> web = layers_of({"debian", "nginx"});
  const std::vector<Layer> db = layers_of({"debian", "postgres"});
  ASSERT_TRUE(graph.add_image("web:1", web).is_ok());
  ASSERT_TRUE(graph.add_image("db:1", db).is_ok());

  auto dropped = graph.remove_image("web:1");
  ASSERT_TRUE(dropped.is_ok());
  EXPECT_EQ(dropped.value(), std::vector<Digest>{web[1].chain_id});
  EXPECT_EQ(graph.find(web[1].chain_id), nullptr);
  EXPECT_EQ(graph.images_using(web[0].chain_id).value(), std::vector<std::string>{"db:1"});
  EXPECT_EQ(graph.find(web[0].chain_id)->children, std::vector<Digest>{db[1].chain_id});
  EXPECT_TRUE(graph.shared_layers().empty());

  auto last = graph.remove_image("db:1");
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(last.value(), (std::vector<Digest>{db[1].chain_id, db[0].chain_id}));
  EXPECT_TRUE(graph.empty());
  EXPECT_EQ(graph.node_count(), 0u);

  auto unknown = graph.remove_image("db:1");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.error().code(), core::ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find("'db:1'"), std::string::npos);
}

TEST(LayerGraph, SameChainIdWithTwoParentsIsRefusedNamingBoth) {
  LayerGraph graph;
  const Digest p1 = digest_of("parent one"), p2 = digest_of("parent two");
  const Digest top = digest_of("chain"), diff = digest_of("diff");
  const Descriptor blob = describe(media_type::kOciLayerTar, "blob");
  const std::vector<Layer> first{{blob, p1, p1}, {blob, diff, top}};
  const std::vector<Layer> second{{blob, p2, p2}, {blob, diff, top}};
  ASSERT_TRUE(graph.add_image("first:1", first).is_ok());
  core::Status refused = graph.add_image("second:1", second);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().context().field, "layers[1].chain_id");
  const std::string& message = refused.error().message();
  EXPECT_NE(message.find("parent " + p2.str()), std::string::npos) << message;
  EXPECT_NE(message.find("image 'first:1' gave it parent " + p1.str()), std::string::npos)
      << message;
  // Nothing of the refused image was added.
  EXPECT_EQ(graph.node_count(), 2u);
  EXPECT_EQ(graph.image_count(), 1u);
  EXPECT_EQ(graph.find(p2), nullptr);
}

TEST(LayerGraph, SameChainIdWithTwoDiffIdsIsRefused) {
  LayerGraph graph;
  const Digest chain = digest_of("chain");
  const Descriptor blob = describe(media_type::kOciLayerTar, "blob");
  ASSERT_TRUE(graph.add_image("a:1", std::vector<Layer>{{blob, digest_of("d1"), chain}}).is_ok());
  core::Status refused = graph.add_image("b:1", std::vector<Layer>{{blob, digest_of("d2"), chain}});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().context().field, "layers[0].diff_id");
  EXPECT_NE(refused.error().message().find(digest_of("d1").str()), std::string::npos);
  EXPECT_NE(refused.error().message().find(digest_of("d2").str()), std::string::npos);
}

TEST(LayerGraph, ChainIdRepeatedInOneImageIsRefused) {
  LayerGraph graph;
  const std::vector<Layer> base = layers_of({"base"});
  const std::vector<Layer> twice{base[0], base[0]};
  core::Status refused = graph.add_image("loop:1", twice);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(graph.empty());
}

TEST(LayerGraph, BadNamesAndLayers) {
  LayerGraph graph;
  const std::vector<Layer> layers = layers_of({"a"});
  EXPECT_EQ(graph.add_image("", layers).error().context().field, "name");
  ASSERT_TRUE(graph.add_image("a:1", layers).is_ok());
  EXPECT_EQ(graph.add_image("a:1", layers).error().code(), core::ErrorCode::kAlreadyExists);
  std::vector<Layer> no_chain = layers_of({"b"});
  no_chain[0].chain_id = Digest();
  core::Status refused = graph.add_image("b:1", no_chain);
  EXPECT_EQ(refused.error().context().field, "layers[0]");
  EXPECT_EQ(graph.parents(digest_of("unknown")).error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(graph.images_using(digest_of("unknown")).error().code(), core::ErrorCode::kNotFound);
  // An image without layers owns no node.
  ASSERT_TRUE(graph.add_image("empty:1", std::vector<Layer>{}).is_ok());
  EXPECT_EQ(graph.node_count(), 1u);
  EXPECT_TRUE(graph.remove_image("empty:1").value().empty());
}

TEST(LayerGraph, BatchIsAllOrNothing) {
  LayerGraph graph;
  std::vector<ImageLayers> batch{{"a:1", layers_of({"base", "a"})},
                                 {"b:1", layers_of({"base", "b"})}};
  ASSERT_TRUE(graph.add_batch(batch).is_ok());
  EXPECT_EQ(graph.node_count(), 3u);
  EXPECT_EQ(graph.images_using(batch[0].layers[0].chain_id).value().size(), 2u);

  // The second image of this batch contradicts the first: nothing is added.
  const Digest chain = digest_of("c chain");
  const Descriptor blob = describe(media_type::kOciLayerTar, "c");
  std::vector<ImageLayers> bad{{"c:1", {{blob, digest_of("c"), chain}}},
                               {"d:1", {{blob, digest_of("not c"), chain}}}};
  core::Status refused = graph.add_batch(bad);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.error().message().find("image 'c:1'"), std::string::npos);
  EXPECT_EQ(graph.node_count(), 3u);
  EXPECT_EQ(graph.image_count(), 2u);

  std::vector<ImageLayers> twice{{"e:1", layers_of({"e"})}, {"e:1", layers_of({"f"})}};
  EXPECT_EQ(graph.add_batch(twice).error().code(), core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(graph.image_count(), 2u);
}

TEST(LayerGraph, OneLayerStoredAsTwoBlobsKeepsBoth) {
  LayerGraph graph;
  std::vector<Layer> gzip = layers_of({"base"});
  std::vector<Layer> zstd = gzip;
  zstd[0].blob = describe(media_type::kOciLayerTarZstd, "base, zstd-compressed");
  ASSERT_TRUE(graph.add_image("a:1", gzip).is_ok());
  ASSERT_TRUE(graph.add_image("b:1", zstd).is_ok());
  ASSERT_TRUE(graph.add_image("c:1", gzip).is_ok());
  const LayerNode* node = graph.find(gzip[0].chain_id);
  ASSERT_EQ(node->blobs.size(), 2u);
  EXPECT_EQ(node->blobs[1].media_type, media_type::kOciLayerTarZstd);
}

TEST(LayerGraph, TopologicalOrderPutsParentsFirst) {
  LayerGraph graph;
  std::vector<ImageLayers> batch{{"a:1", layers_of({"base", "mid", "a"})},
                                 {"b:1", layers_of({"base", "mid", "b"})},
                                 {"c:1", layers_of({"other", "c"})}};
  ASSERT_TRUE(graph.add_batch(batch).is_ok());
  auto order = graph.topological_order();
  ASSERT_TRUE(order.is_ok()) << order.error().to_string();
  EXPECT_EQ(order.value().size(), graph.node_count());
  for (const ImageLayers& image : batch) {
    for (std::size_t i = 1; i < image.layers.size(); ++i) {
      EXPECT_LT(position(order.value(), image.layers[i - 1].chain_id),
                position(order.value(), image.layers[i].chain_id));
    }
  }
  // Deterministic: the same graph gives the same order.
  EXPECT_EQ(graph.topological_order().value(), order.value());
}

TEST(LayerGraph, RemovedNodesAreReusedFromThePool) {
  core::PoolConfig pool;
  pool.thread_cache = 0;  // every object through the shared list: exact counts
  LayerGraph graph(pool);
  for (int round = 0; round < 5; ++round) {
    const std::string name = "churn:" + std::to_string(round);
    ASSERT_TRUE(graph.add_image(name, layers_of({"x" + name, "y" + name, "z" + name})).is_ok());
    ASSERT_EQ(graph.remove_image(name).value().size(), 3u);
  }
  core::PoolStats stats = graph.pool_stats();
  EXPECT_EQ(stats.total_acquired, 15u);
  EXPECT_EQ(stats.created, 3u);
  EXPECT_EQ(stats.reused, 12u);
  EXPECT_EQ(stats.current_pool_size, 3u);
  EXPECT_TRUE(graph.empty());
}

class StoreGraphTest : public StoreTest {};

TEST_F(StoreGraphTest, FromStoreRegistersEveryRefAndListsFailures) {
  store::Store store = open();
  auto lease = store.lease().value();
  BuiltImage web = put_image(lease, spec({"debian", "nginx"}));
  BuiltImage db = put_image(lease, spec({"debian", "postgres"}));
  BuiltImage arm = put_image(lease, spec({"alpine"}).arch("arm64"));
  Descriptor index = put_index(lease, {{db.manifest, "linux", "amd64", ""}});
  ASSERT_TRUE(lease.set_ref(store::testing::make_ref("web:1"), web.manifest).is_ok());
  ASSERT_TRUE(lease.set_ref(store::testing::make_ref("db:1"), index).is_ok());
  ASSERT_TRUE(lease.set_ref(store::testing::make_ref("arm:1"), arm.manifest).is_ok());

  MetadataCache cache = MetadataCache::create().value();
  auto built = LayerGraph::from_store(store, linux_on("amd64"), &cache);
  ASSERT_TRUE(built.is_ok()) << built.error().to_string();
  const LayerGraph& graph = built.value().graph;
  EXPECT_EQ(graph.image_count(), 2u);
  EXPECT_EQ(graph.node_count(), 3u);
  EXPECT_EQ(graph.images_using(web.diff_ids[0]).value(),
            (std::vector<std::string>{"db:1", "web:1"}));
  ASSERT_EQ(built.value().failures.size(), 1u);
  EXPECT_EQ(built.value().failures[0].ref, "arm:1");
  EXPECT_EQ(built.value().failures[0].error.code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_GT(cache.stats().misses, 0u);
}

}  // namespace
}  // namespace oci::layers
