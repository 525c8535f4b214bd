// graph/run/node_cache.h: the kept results of one node with `cache:` (internal to run/).
//
// An entry maps the node's inputs (the values of the Context keys it reads,
// as compiled: a RuleNode's expression keys or its GRL rules' facts, a DBNode's params, a
// SubgraphNode's input_mapping keys) to what the node wrote. The key is the
// inputs serialised as JSON, so equal inputs always meet and different ones
// never collide. Failures are not kept. Thread-safe: a core::ShardedCache
// (LRU, max_entries, ttl_ms) shared by every run of the compiled graph.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/cache/sharded_cache.h"
#include "core/error.h"
#include "graph/context.h"
#include "graph/model/graph_spec.h"

namespace graph {

class NodeCache {
 public:
  // What the node wrote: slots of the graph's Contexts and their values.
  using Writes = std::vector<std::pair<Context::Slot, Json>>;

  // `own_writes`: the inputs the node also writes (GRL rules change the
  // facts they read); the other nodes' writes are checked by guard().
  static core::Result<std::unique_ptr<NodeCache>> create(const CacheSpec& spec,
                                                         std::vector<std::string> inputs,
                                                         std::vector<std::string> own_writes = {});

  // The entry key for `context`'s current inputs; nullopt when an input
  // cannot be serialised (a string that is not UTF-8): the node then runs
  // uncached rather than risk two inputs sharing a key.
  std::optional<std::string> key(const Context& context) const { return serialise(context, false); }
  // The part of key() that only other nodes change: the inputs the node does
  // not write. Unchanged across a run means the result belongs to the key
  // taken before it. The same as key() for a node that writes no input.
  std::optional<std::string> guard(const Context& context) const {
    return serialise(context, true);
  }
  bool writes_inputs() const { return !own_writes_.empty(); }
  std::optional<Writes> find(const std::string& key) { return entries_.get(key); }
  void put(std::string key, Writes writes);

  const std::vector<std::string>& inputs() const { return inputs_; }
  core::CacheStats stats() const { return entries_.stats(); }

 private:
  NodeCache(core::ShardedCache<std::string, Writes> entries, std::vector<std::string> inputs,
            std::vector<std::string> own_writes)
      : entries_(std::move(entries)),
        inputs_(std::move(inputs)),
        own_writes_(std::move(own_writes)) {}

  std::optional<std::string> serialise(const Context& context, bool skip_own_writes) const;

  core::ShardedCache<std::string, Writes> entries_;
  std::vector<std::string> inputs_;
  std::vector<std::string> own_writes_;
};

}  // namespace graph
