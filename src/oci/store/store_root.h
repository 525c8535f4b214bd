// oci/store/store_root.h: where the content store lives when nobody says.
//
// One function so that the CLI (`--store DIR`), tests and the future runtime
// agree on the order: an explicit path, else $LXCRI_STORE, else
// /var/lib/lxcri.
#pragma once

#include <filesystem>
#include <string_view>

namespace oci::store {

inline constexpr std::string_view kDefaultStoreRoot = "/var/lib/lxcri";
inline constexpr const char* kStoreEnvVar = "LXCRI_STORE";

// `explicit_root` when not empty, else $LXCRI_STORE when set and not empty,
// else kDefaultStoreRoot.
std::filesystem::path default_store_root(std::string_view explicit_root = {});

}  // namespace oci::store
