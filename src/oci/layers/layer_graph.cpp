#include "oci/layers/layer_graph.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>

#include "core/dag/dag.h"

namespace oci::layers {
namespace {

core::Error invalid(std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
}

std::string or_none(const Digest& digest) {
  return digest.empty() ? "none (a base layer)" : digest.str();
}

// The parent of a base layer.
const Digest kNoParent;

// What the graph, or an earlier image of the same call, says a ChainID is.
struct Known {
  const Digest* parent;
  const Digest* diff_id;
  const std::string* image;  // who said so
};

core::Status agree(const Known& known, const Digest& parent, const Digest& diff_id,
                   const Digest& chain_id, const std::string& image, std::size_t i) {
  const std::string where =
      "image '" + image + "': layers[" + std::to_string(i) + "]: ChainID " + chain_id.str() + " ";
  if (*known.parent != parent) {
    return invalid(where + "has parent " + or_none(parent) + ", but image '" + *known.image +
                   "' gave it parent " + or_none(*known.parent))
        .with_field("layers[" + std::to_string(i) + "].chain_id");
  }
  if (*known.diff_id != diff_id) {
    return invalid(where + "has DiffID " + diff_id.str() + ", but image '" + *known.image +
                   "' gave it DiffID " + known.diff_id->str())
        .with_field("layers[" + std::to_string(i) + "].diff_id");
  }
  return core::Status::ok();
}

}  // namespace

LayerGraph::LayerGraph(const core::PoolConfig& pool) : pool_(make_layer_node_pool(pool)) {}

const LayerNode* LayerGraph::find(const Digest& chain_id) const {
  auto it = nodes_.find(chain_id.str());
  return it == nodes_.end() ? nullptr : it->second.get();
}

LayerNode* LayerGraph::mutable_node(const Digest& chain_id) {
  auto it = nodes_.find(chain_id.str());
  return it == nodes_.end() ? nullptr : it->second.get();
}

core::Status LayerGraph::add_image(std::string name, std::span<const Layer> layers) {
  const Pending image{&name, layers};
  if (core::Status ok = check({&image, 1}); !ok) return ok;
  apply(image);
  return core::Status::ok();
}

core::Status LayerGraph::add_batch(std::span<const ImageLayers> images) {
  std::vector<Pending> pending;
  pending.reserve(images.size());
  std::size_t layers = 0;
  for (const ImageLayers& image : images) {
    pending.push_back(Pending{&image.name, image.layers});
    layers += image.layers.size();
  }
  if (core::Status ok = check(pending); !ok) return ok;
  nodes_.reserve(nodes_.size() + layers);
  images_.reserve(images_.size() + images.size());
  for (const Pending& image : pending)
    apply(image);
  return core::Status::ok();
}

core::Status LayerGraph::check(std::span<const Pending> images) const {
  // ChainIDs this call adds, as the first image naming each gave them.
  std::unordered_map<std::string_view, Known> added;
  std::unordered_set<std::string_view> names;
  for (const Pending& image : images) {
    const std::string& name = *image.name;
    if (name.empty()) return invalid("an image needs a name").with_field("name");
    if (images_.count(name) != 0 || !names.insert(name).second) {
      return core::Error(core::ErrorCode::kAlreadyExists, "image '" + name + "' is already added")
          .with_field("name");
    }
    const Digest* parent = &kNoParent;
    for (std::size_t i = 0; i < image.layers.size(); ++i) {
      const Layer& layer = image.layers[i];
      if (layer.chain_id.empty() || layer.diff_id.empty()) {
        const std::string field = "layers[" + std::to_string(i) + "]";
        return invalid("image '" + name + "': " + field + " has no ChainID or DiffID")
            .with_field(field);
      }
      const Known mine{parent, &layer.diff_id, &name};
      if (const LayerNode* node = find(layer.chain_id)) {
        const Known known{&node->parent, &node->diff_id, &node->images.front()};
        if (core::Status ok = agree(known, *parent, layer.diff_id, layer.chain_id, name, i); !ok) {
          return ok;
        }
      } else if (auto [it, fresh] = added.try_emplace(layer.chain_id.str(), mine); !fresh) {
        if (core::Status ok = agree(it->second, *parent, layer.diff_id, layer.chain_id, name, i);
            !ok) {
          return ok;
        }
      }
      parent = &layer.chain_id;
    }
  }
  return core::Status::ok();
}

void LayerGraph::apply(const Pending& image) {
  std::vector<Digest>& chain = images_[*image.name];
  chain.reserve(image.layers.size());
  LayerNode* below = nullptr;
  for (const Layer& layer : image.layers) {
    LayerNode* node = mutable_node(layer.chain_id);
    if (!node) {
      core::Pooled<LayerNode> fresh = pool_->acquire();
      node = fresh.get();
      node->chain_id = layer.chain_id;
      node->diff_id = layer.diff_id;
      if (below) {
        node->parent = below->chain_id;
        below->children.push_back(layer.chain_id);
      }
      nodes_.emplace(layer.chain_id.str(), std::move(fresh));
    }
    const bool known_blob =
        std::any_of(node->blobs.begin(), node->blobs.end(),
                    [&](const Descriptor& d) { return d.digest == layer.blob.digest; });
    if (!known_blob) node->blobs.push_back(layer.blob);
    // check() refused a ChainID twice in one image, so the name is new here.
    node->images.insert(std::upper_bound(node->images.begin(), node->images.end(), *image.name),
                        *image.name);
    chain.push_back(layer.chain_id);
    below = node;
  }
}

core::Result<std::vector<Digest>> LayerGraph::remove_image(std::string_view name) {
  auto image = images_.find(std::string(name));
  if (image == images_.end()) {
    return core::Error(core::ErrorCode::kNotFound, "image '" + std::string(name) + "' not found")
        .with_field("name");
  }
  std::vector<Digest> dropped;
  const std::vector<Digest>& chain = image->second;
  for (auto chain_id = chain.rbegin(); chain_id != chain.rend(); ++chain_id) {
    auto it = nodes_.find(chain_id->str());
    LayerNode& node = *it->second;
    node.images.erase(std::lower_bound(node.images.begin(), node.images.end(), name));
    if (!node.images.empty()) continue;
    // Every image using a child also uses this node, so no child is left.
    if (LayerNode* parent = node.parent.empty() ? nullptr : mutable_node(node.parent)) {
      std::erase(parent->children, node.chain_id);
    }
    dropped.push_back(node.chain_id);
    nodes_.erase(it);  // the Pooled handle returns the node to the pool
  }
  images_.erase(image);
  return dropped;
}

core::Result<std::vector<Digest>> LayerGraph::parents(const Digest& chain_id) const {
  const LayerNode* node = find(chain_id);
  if (!node) {
    return core::Error(core::ErrorCode::kNotFound, "no layer with ChainID " + chain_id.str())
        .with_field("chain_id");
  }
  std::vector<Digest> chain;
  while (!node->parent.empty()) {
    chain.push_back(node->parent);
    node = find(node->parent);
    if (!node) {
      return core::Error(core::ErrorCode::kInternal,
                         "layer graph is missing parent " + chain.back().str());
    }
  }
  return chain;
}

core::Result<std::vector<std::string>> LayerGraph::images_using(const Digest& chain_id) const {
  const LayerNode* node = find(chain_id);
  if (!node) {
    return core::Error(core::ErrorCode::kNotFound, "no layer with ChainID " + chain_id.str())
        .with_field("chain_id");
  }
  return node->images;
}

std::vector<Digest> LayerGraph::shared_layers() const {
  std::vector<Digest> shared;
  for (const auto& [id, node] : nodes_) {
    if (node->images.size() >= 2) shared.push_back(node->chain_id);
  }
  std::sort(shared.begin(), shared.end());
  return shared;
}

core::Result<std::vector<Digest>> LayerGraph::topological_order() const {
  std::vector<const LayerNode*> sorted;
  sorted.reserve(nodes_.size());
  for (const auto& [id, node] : nodes_)
    sorted.push_back(node.get());
  std::sort(sorted.begin(), sorted.end(),
            [](const LayerNode* a, const LayerNode* b) { return a->chain_id < b->chain_id; });
  core::Dag dag;
  for (const LayerNode* node : sorted) {
    if (core::Status ok = dag.add_node(node->chain_id.str()); !ok) return ok.error();
  }
  for (const LayerNode* node : sorted) {
    if (node->parent.empty()) continue;
    if (!dag.has_node(node->parent.str())) {
      return core::Error(core::ErrorCode::kInternal, "layer " + node->chain_id.str() +
                                                         " names parent " + node->parent.str() +
                                                         ", which is not in the graph");
    }
    if (core::Status ok = dag.add_edge(node->parent.str(), node->chain_id.str()); !ok) {
      return ok.error();
    }
  }
  auto order = dag.topological_order();
  if (!order) return order.error();
  std::vector<Digest> chain_ids;
  chain_ids.reserve(order.value().size());
  for (const std::string& id : order.value())
    chain_ids.push_back(nodes_.at(id)->chain_id);
  return chain_ids;
}

}  // namespace oci::layers
