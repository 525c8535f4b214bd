// oci/layers/layer_graph.h: the layers of many images as one forest keyed by
// ChainID, so the store knows which unpacked layers images share and which
// it may drop when an image goes.
//
// A node is a ChainID (a layer with everything below it); its parent is the
// ChainID below it, its children those built on it, and it lists the images
// whose chains pass through it. Two images share a node exactly when they
// share the whole stack up to it. The ChainIDs are taken as given (the
// resolver computes them, chain_id.h); what the graph checks is that its
// input agrees with itself: a ChainID must always come with the same parent
// and the same DiffID, else the call fails naming both versions and the image
// that gave the first, and changes nothing (a batch is checked whole before
// any of it is applied). So the graph is a forest by construction;
// topological_order() still builds a core::Dag and reports what it finds.
//
// Nodes come from a core::ObjectPool (layer_node.h): removing an image
// returns its unused nodes there and the next add reuses them.
//
// Not thread-safe: one writer, or several readers.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/memory/object_pool.h"
#include "oci/digest.h"
#include "oci/layers/layer.h"
#include "oci/layers/layer_node.h"
#include "oci/layers/metadata_cache.h"
#include "oci/platform.h"
#include "oci/store/store.h"

namespace oci::layers {

// One image to register: its name (a ref) and its layers, base first.
struct ImageLayers {
  std::string name;
  std::vector<Layer> layers;
};

struct StoreLayerGraph;

class LayerGraph {
 public:
  explicit LayerGraph(const core::PoolConfig& pool = {});
  LayerGraph(LayerGraph&&) noexcept = default;
  LayerGraph& operator=(LayerGraph&&) noexcept = default;

  // Registers an image. kInvalidArgument for an empty name or a layer
  // without a ChainID or DiffID; kAlreadyExists for a name already present;
  // kInvalidArgument naming both parents (or both DiffIDs) when a ChainID
  // disagrees with what the graph or the same call already has. An image may
  // have no layers (it then owns no node).
  core::Status add_image(std::string name, std::span<const Layer> layers);
  // Registers several images in one checked, all-or-nothing pass, with the
  // node table reserved once. The same errors, also for a name given twice.
  core::Status add_batch(std::span<const ImageLayers> images);
  // Unregisters an image and drops the nodes no other image uses; returns
  // their ChainIDs, top layer first. kNotFound for an unknown name.
  core::Result<std::vector<Digest>> remove_image(std::string_view name);

  std::size_t node_count() const { return nodes_.size(); }
  std::size_t image_count() const { return images_.size(); }
  bool empty() const { return nodes_.empty() && images_.empty(); }
  // The node, or nullptr; valid until the next call that changes the graph.
  const LayerNode* find(const Digest& chain_id) const;

  // The chain below `chain_id`: its parent first, down to the base layer
  // (empty for a base layer). kNotFound for an unknown ChainID.
  core::Result<std::vector<Digest>> parents(const Digest& chain_id) const;
  // The images using a node, sorted. kNotFound for an unknown ChainID.
  core::Result<std::vector<std::string>> images_using(const Digest& chain_id) const;
  // The ChainIDs used by two or more images, sorted.
  std::vector<Digest> shared_layers() const;
  // Every ChainID after its parent (core::Dag's deterministic order over the
  // ChainIDs in sorted order). kCycle with the path, or kInternal naming a
  // parent missing from the graph, should the graph ever be inconsistent.
  core::Result<std::vector<Digest>> topological_order() const;

  core::PoolStats pool_stats() const { return pool_->stats(); }

  // Resolves every ref of `store` for `want` and registers it under its ref
  // name. Refs that fail to resolve, or disagree with the graph, are listed
  // with their error and left out; only failing to list the refs is fatal.
  static core::Result<StoreLayerGraph> from_store(const store::Store& store, const Platform& want,
                                                  MetadataCache* cache);

 private:
  struct Pending {
    const std::string* name;
    std::span<const Layer> layers;
  };

  core::Status check(std::span<const Pending> images) const;
  void apply(const Pending& image);
  LayerNode* mutable_node(const Digest& chain_id);

  // Declared first so that it outlives the handles in nodes_.
  std::unique_ptr<LayerNodePool> pool_;
  std::unordered_map<std::string, core::Pooled<LayerNode>> nodes_;  // by ChainID text
  std::unordered_map<std::string, std::vector<Digest>> images_;     // name -> its ChainIDs
};

// A ref the graph could not take, and why.
struct RefFailure {
  std::string ref;
  core::Error error;
};

struct StoreLayerGraph {
  LayerGraph graph;
  std::vector<RefFailure> failures;
};

}  // namespace oci::layers
