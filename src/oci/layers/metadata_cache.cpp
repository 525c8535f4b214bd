#include "oci/layers/metadata_cache.h"

#include <utility>

namespace oci::layers {

std::size_t metadata_entry_bytes(const std::string& key, const ParsedDocument& document) {
  return key.size() + sizeof(ParsedDocument) + document.blob_bytes;
}

core::Result<MetadataCache> MetadataCache::create(const MetadataCacheConfig& config) {
  core::CacheConfig cache_config;
  cache_config.policy = core::EvictionPolicy::kLru;
  cache_config.max_entries = config.max_entries;
  cache_config.max_bytes = config.max_bytes;
  auto cache = Shards::create(cache_config, config.shards,
                              [](const std::string& key, const DocumentPtr& document) {
                                return metadata_entry_bytes(key, *document);
                              });
  if (!cache) return cache.error();
  return MetadataCache(std::move(cache).value());
}

core::Result<MetadataCache::DocumentPtr> MetadataCache::get_or_load(const store::Store& store,
                                                                    const Descriptor& descriptor) {
  if (std::optional<DocumentPtr> cached = cache_.get(descriptor.digest.str())) {
    if (!descriptor.media_type.empty()) {
      auto wanted = document_type_for(descriptor.media_type);
      if (!wanted) return wanted.error();
      if (wanted.value() != (*cached)->type()) {
        return core::Error(core::ErrorCode::kInvalidArgument,
                           "descriptor says " + descriptor.media_type + " but " +
                               descriptor.digest.str() + " is a " +
                               document_type_name((*cached)->type()))
            .with_field("mediaType");
      }
    }
    return std::move(*cached);
  }
  auto loaded = load_document(store, descriptor);
  if (!loaded) return loaded.error();
  auto document = std::make_shared<const ParsedDocument>(std::move(loaded).value());
  // Too large to cache is not an error for the caller, who gets the document.
  (void)put(document);
  return document;
}

core::Status MetadataCache::put(DocumentPtr document) {
  std::string key = document->digest.str();
  return cache_.put(std::move(key), std::move(document));
}

}  // namespace oci::layers
