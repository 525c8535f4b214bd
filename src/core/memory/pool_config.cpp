#include "core/memory/pool_config.h"

#include <string>

namespace core {

Status PoolConfig::validate() const {
  auto invalid = [](const char* field, std::string message) {
    return Status(Error(ErrorCode::kInvalidArgument, std::move(message)).with_field(field));
  };
  if (max_pooled == 0) return invalid("max_pooled", "must be at least 1");
  if (initial_capacity > max_pooled) {
    return invalid("initial_capacity", "is " + std::to_string(initial_capacity) +
                                           ", more than max_pooled " + std::to_string(max_pooled));
  }
  if (thread_cache > kMaxPoolThreadCache) {
    return invalid("thread_cache", "is " + std::to_string(thread_cache) + ", more than the limit " +
                                       std::to_string(kMaxPoolThreadCache));
  }
  return Status();
}

}  // namespace core
