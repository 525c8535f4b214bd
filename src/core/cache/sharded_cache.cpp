#include "core/cache/sharded_cache.h"

#include <bit>
#include <string>

namespace core::cache_detail {

namespace {

// Each shard needs a share of at least 1 of every set limit.
Status check_split(const std::optional<std::size_t>& limit, const char* field, std::size_t shards) {
  if (limit && *limit < shards) {
    return Error(ErrorCode::kInvalidArgument, std::string(field) + " (" + std::to_string(*limit) +
                                                  ") must be at least the shard count (" +
                                                  std::to_string(shards) +
                                                  "): every shard gets an equal share")
        .with_field(field);
  }
  return Status::ok();
}

std::size_t share(std::size_t limit, std::size_t shards, std::size_t index) {
  return limit / shards + (index < limit % shards ? 1 : 0);
}

}  // namespace

Status validate_sharding(const CacheConfig& config, std::size_t shards) {
  if (Status status = validate_cache_config(config); !status) return status;
  if (!std::has_single_bit(shards)) {
    return Error(ErrorCode::kInvalidArgument,
                 "shards must be a power of two, got " + std::to_string(shards))
        .with_field("shards");
  }
  if (Status status = check_split(config.max_entries, "max_entries", shards); !status) {
    return status;
  }
  return check_split(config.max_bytes, "max_bytes", shards);
}

CacheConfig shard_config(const CacheConfig& config, std::size_t shards, std::size_t index) {
  CacheConfig out = config;
  if (config.max_entries) out.max_entries = share(*config.max_entries, shards, index);
  if (config.max_bytes) out.max_bytes = share(*config.max_bytes, shards, index);
  return out;
}

}  // namespace core::cache_detail
