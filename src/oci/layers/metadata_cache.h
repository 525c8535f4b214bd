// oci/layers/metadata_cache.h: parsed manifests, indexes and image configs
// by digest, shared by every command and thread that resolves images.
//
// `ls`, `inspect`, building the layer graph and unpacking all resolve the
// same few documents again and again; reading, hashing and parsing them each
// time costs far more than a lookup. A digest names immutable bytes, so a
// parsed document never goes stale; the cache only has to bound memory. It
// is a core::ShardedCache (LRU per shard) of shared_ptr<const ParsedDocument>
// limited by entry count and by bytes, where an entry counts the size of the
// blob it was parsed from plus its key and bookkeeping (the parsed form is of
// the same order as its JSON). Hands out shared pointers, so an evicted
// document stays valid for whoever still holds it.
//
// Thread-safe. Two threads missing on the same digest at once may both load
// it (the second put replaces the first with an equal document); that is
// cheaper than holding a lock across a disk read.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/cache/cache_stats.h"
#include "core/cache/sharded_cache.h"
#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/layers/parsed_document.h"
#include "oci/store/store.h"

namespace oci::layers {

struct MetadataCacheConfig {
  std::size_t max_entries = 4096;
  std::size_t max_bytes = std::size_t{64} << 20;
  // A power of two, at most max_entries and max_bytes (see sharded_cache.h);
  // a document must fit in one shard's share of max_bytes to be cached.
  std::size_t shards = 16;
};

class MetadataCache {
 public:
  using DocumentPtr = std::shared_ptr<const ParsedDocument>;

  // kInvalidArgument naming the field for limits ShardedCache refuses.
  static core::Result<MetadataCache> create(const MetadataCacheConfig& config = {});

  // The parsed document `descriptor` names: from the cache, or loaded with
  // load_document() (digest and size verified) and cached. A cached document
  // of another type than the descriptor's media type names is refused like a
  // fresh parse would be (kInvalidArgument, field "mediaType"). A document
  // too large for the byte limit is returned but not cached.
  core::Result<DocumentPtr> get_or_load(const store::Store& store, const Descriptor& descriptor);

  // Caches a document the caller parsed itself (e.g. while pulling it), under
  // its digest. The caller vouches that it was parsed from those bytes.
  // kCapacityExceeded when it alone exceeds a shard's byte limit.
  core::Status put(DocumentPtr document);

  // Hits, misses, evictions; entries and bytes now.
  core::CacheStats stats() const { return cache_.stats(); }
  void clear() { cache_.clear(); }

 private:
  using Shards = core::ShardedCache<std::string, DocumentPtr>;
  explicit MetadataCache(Shards cache) : cache_(std::move(cache)) {}

  Shards cache_;
};

// The bytes one entry counts against max_bytes.
std::size_t metadata_entry_bytes(const std::string& key, const ParsedDocument& document);

}  // namespace oci::layers
