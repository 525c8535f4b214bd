#include "graph/run/node_cache.h"

#include <algorithm>
#include <chrono>

namespace graph {

core::Result<std::unique_ptr<NodeCache>> NodeCache::create(const CacheSpec& spec,
                                                           std::vector<std::string> inputs,
                                                           std::vector<std::string> own_writes) {
  core::CacheConfig config;
  config.policy = core::EvictionPolicy::kLru;
  config.max_entries = spec.max_entries;
  if (spec.ttl_ms) config.default_ttl = std::chrono::milliseconds(*spec.ttl_ms);
  // Each shard needs at least one entry: small caches get fewer shards.
  std::size_t shards = 1;
  while (shards * 2 <= std::min<std::size_t>(spec.max_entries, 16))
    shards *= 2;
  auto entries = core::ShardedCache<std::string, Writes>::create(config, shards);
  if (!entries.is_ok()) return entries.error();
  return std::unique_ptr<NodeCache>(
      new NodeCache(std::move(entries).value(), std::move(inputs), std::move(own_writes)));
}

std::optional<std::string> NodeCache::serialise(const Context& context,
                                                bool skip_own_writes) const {
  std::string key;
  try {
    for (const std::string& input : inputs_) {
      if (skip_own_writes &&
          std::find(own_writes_.begin(), own_writes_.end(), input) != own_writes_.end()) {
        continue;
      }
      // JSON text never contains a raw newline, so it separates inputs
      // unambiguously; an unset key is "~", which is not JSON.
      const Json* value = context.find(input);
      key += value ? value->dump() : "~";
      key += '\n';
    }
  } catch (const Json::exception&) {
    return std::nullopt;  // invalid UTF-8
  }
  return key;
}

void NodeCache::put(std::string key, Writes writes) {
  // Cannot fail: LRU evicts to make room, and no entry has a size limit.
  (void)entries_.put(std::move(key), std::move(writes));
}

}  // namespace graph
