#include "oci/store/store_root.h"

#include <cstdlib>

namespace oci::store {

std::filesystem::path default_store_root(std::string_view explicit_root) {
  if (!explicit_root.empty()) return std::filesystem::path(explicit_root);
  // getenv is not thread-safe against setenv; the CLI resolves this once at
  // start-up, before any thread exists.
  const char* env = std::getenv(kStoreEnvVar);
  if (env != nullptr && *env != '\0') return std::filesystem::path(env);
  return std::filesystem::path(kDefaultStoreRoot);
}

}  // namespace oci::store
