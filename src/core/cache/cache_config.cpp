#include "core/cache/cache_config.h"

#include <string>

namespace core {

const char* eviction_policy_name(EvictionPolicy policy) {
  switch (policy) {
    case EvictionPolicy::kLru:
      return "lru";
    case EvictionPolicy::kLfu:
      return "lfu";
    case EvictionPolicy::kFifo:
      return "fifo";
    case EvictionPolicy::kNone:
      return "none";
  }
  return "unknown";
}

Status validate_cache_config(const CacheConfig& config) {
  switch (config.policy) {
    case EvictionPolicy::kLru:
    case EvictionPolicy::kLfu:
    case EvictionPolicy::kFifo:
    case EvictionPolicy::kNone:
      break;
    default:
      return Error(ErrorCode::kInvalidArgument,
                   "unknown eviction policy " + std::to_string(static_cast<int>(config.policy)))
          .with_field("policy");
  }
  if (config.max_entries == 0u) {
    return Error(ErrorCode::kInvalidArgument, "max_entries must be at least 1 (unset = unlimited)")
        .with_field("max_entries");
  }
  if (config.max_bytes == 0u) {
    return Error(ErrorCode::kInvalidArgument, "max_bytes must be at least 1 (unset = unlimited)")
        .with_field("max_bytes");
  }
  if (config.default_ttl && config.default_ttl->count() <= 0) {
    return Error(ErrorCode::kInvalidArgument, "default_ttl must be positive, got " +
                                                  std::to_string(config.default_ttl->count()) +
                                                  " ns (unset = no expiry)")
        .with_field("default_ttl");
  }
  return Status::ok();
}

}  // namespace core
