// bench/oci/bench_layers.cpp: the layer graph's promised figures (the release
// we replace promised, per operation: metadata cache of 500 documents
// < 100 ms, registering 100 layers in one batch < 200 ms, 1000 pool
// acquire/release of layer nodes < 50 ms).
//
//   BM_MetadataCache500/preparsed  500 parsed documents put into a fresh
//                                  cache, then each looked up once.
//   BM_MetadataCache500/from_store the same 500 documents loaded from a real
//                                  store (read, verify, parse: all misses),
//                                  then looked up again (all hits).
//   BM_RegisterLayersBatch100      10 images of 10 layers sharing a 2-layer
//                                  base, registered by one add_batch into an
//                                  empty graph.
//   BM_LayerPool1000               1000 acquire/release of pooled layer nodes.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "oci/layers/chain_id.h"
#include "oci/layers/layer_graph.h"
#include "oci/layers/metadata_cache.h"
#include "oci/media_types.h"
#include "oci/store/store.h"

namespace {

using oci::Descriptor;
using oci::Digest;
using namespace oci::layers;

// A temporary store holding 250 image configs and 250 manifests.
struct DocumentStore {
  std::filesystem::path dir;
  std::optional<oci::store::Store> store;
  std::vector<Descriptor> descriptors;

  DocumentStore() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lx_bench_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    store = oci::store::Store::open(dir / "store").value();
    auto lease = store->lease().value();
    for (int i = 0; i < 250; ++i) {
      nlohmann::json diff_ids = nlohmann::json::array();
      for (int l = 0; l < 5; ++l) {
        diff_ids.push_back(Digest::sha256_of(std::to_string(i * 5 + l)).str());
      }
      const std::string config =
          nlohmann::json{{"architecture", "amd64"},
                         {"os", "linux"},
                         {"config", {{"Env", {"PATH=/usr/bin", "N=" + std::to_string(i)}}}},
                         {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}}
              .dump();
      const Descriptor config_d = describe(oci::media_type::kOciConfig, config);
      nlohmann::json layers = nlohmann::json::array();
      for (const auto& d : diff_ids) {
        layers.push_back({{"mediaType", oci::media_type::kOciLayerTarGzip},
                          {"digest", d.get<std::string>()},
                          {"size", 1000}});
      }
      const std::string manifest = nlohmann::json{
          {"schemaVersion", 2},
          {"mediaType", oci::media_type::kOciManifest},
          {"config",
           {{"mediaType", config_d.media_type},
            {"digest", config_d.digest.str()},
            {"size", config_d.size}}},
          {"layers", layers}}.dump();
      lease.put_blob(config).value();
      lease.put_blob(manifest).value();
      descriptors.push_back(config_d);
      descriptors.push_back(describe(oci::media_type::kOciManifest, manifest));
    }
  }
  ~DocumentStore() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  static Descriptor describe(std::string_view type, const std::string& bytes) {
    Descriptor d;
    d.media_type = std::string(type);
    d.digest = Digest::sha256_of(bytes);
    d.size = static_cast<std::int64_t>(bytes.size());
    return d;
  }
};

DocumentStore& documents() {
  static DocumentStore store;
  return store;
}

void BM_MetadataCache500(benchmark::State& state, bool preparsed) {
  DocumentStore& docs = documents();
  std::vector<MetadataCache::DocumentPtr> parsed;
  for (const Descriptor& d : docs.descriptors) {
    parsed.push_back(std::make_shared<const ParsedDocument>(load_document(*docs.store, d).value()));
  }
  for (auto _ : state) {
    MetadataCache cache = MetadataCache::create().value();
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      if (preparsed) {
        cache.put(parsed[i]).throw_if_error();
      } else {
        benchmark::DoNotOptimize(cache.get_or_load(*docs.store, docs.descriptors[i]).value());
      }
    }
    for (const Descriptor& d : docs.descriptors) {
      benchmark::DoNotOptimize(cache.get_or_load(*docs.store, d).value());
    }
    if (cache.stats().hits != docs.descriptors.size()) state.SkipWithError("expected all hits");
  }
  state.SetItemsProcessed(state.iterations() * 500);
}
BENCHMARK_CAPTURE(BM_MetadataCache500, preparsed, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_MetadataCache500, from_store, false)->Unit(benchmark::kMicrosecond);

void BM_RegisterLayersBatch100(benchmark::State& state) {
  std::vector<ImageLayers> batch;
  for (int image = 0; image < 10; ++image) {
    std::vector<Digest> diff_ids;
    for (int l = 0; l < 10; ++l) {
      const std::string content =
          l < 2 ? "base " + std::to_string(l) : std::to_string(image) + "/" + std::to_string(l);
      diff_ids.push_back(Digest::sha256_of(content));
    }
    const std::vector<Digest> chain = chain_ids(diff_ids);
    ImageLayers entry{"app" + std::to_string(image) + ":1", {}};
    for (std::size_t l = 0; l < chain.size(); ++l) {
      Descriptor blob =
          DocumentStore::describe(oci::media_type::kOciLayerTarGzip, "blob " + chain[l].str());
      entry.layers.push_back(Layer{std::move(blob), diff_ids[l], chain[l]});
    }
    batch.push_back(std::move(entry));
  }
  for (auto _ : state) {
    LayerGraph graph;
    graph.add_batch(batch).throw_if_error();
    benchmark::DoNotOptimize(graph.node_count());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_RegisterLayersBatch100)->Unit(benchmark::kMicrosecond);

void BM_LayerPool1000(benchmark::State& state) {
  std::unique_ptr<LayerNodePool> pool = make_layer_node_pool();
  const Digest chain = Digest::sha256_of("chain");
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) {
      core::Pooled<LayerNode> node = pool->acquire();
      node->chain_id = chain;
      node->images.push_back("image:1");
      benchmark::DoNotOptimize(node.get());
    }
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_LayerPool1000)->Unit(benchmark::kMicrosecond);

}  // namespace
