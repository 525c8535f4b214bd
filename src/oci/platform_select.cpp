#include "oci/platform_select.h"

#include <limits>

#include "oci/media_types.h"

namespace oci {

core::Result<Descriptor> select_manifest(std::span<const Descriptor> manifests,
                                         const Platform& want) {
  constexpr std::size_t kNoPlatform = std::numeric_limits<std::size_t>::max() - 1;
  const Descriptor* best = nullptr;
  std::size_t best_rank = std::numeric_limits<std::size_t>::max();
  for (const Descriptor& entry : manifests) {
    if (!media_type::is_manifest_or_index(entry.media_type)) continue;
    std::size_t rank = kNoPlatform;
    if (entry.platform) {
      auto r = platform_rank(want, *entry.platform);
      if (!r) continue;
      rank = *r;
    }
    if (rank < best_rank) {
      best = &entry;
      best_rank = rank;
    }
  }
  if (best) return *best;
  // A hostile index may have millions of entries; name the first few.
  constexpr std::size_t kNamed = 16;
  std::string available;
  std::size_t named = 0;
  for (const Descriptor& entry : manifests) {
    if (!media_type::is_manifest_or_index(entry.media_type)) continue;
    if (named++ == kNamed) {
      available += ", ...";
      break;
    }
    if (!available.empty()) available += ", ";
    available += entry.platform ? format_platform(*entry.platform) : "(no platform)";
  }
  std::string message = "no manifest for " + format_platform(want) + " in the index; ";
  message += available.empty() ? "it has no image manifests" : "it has " + available;
  return core::Error(core::ErrorCode::kNotFound, std::move(message)).with_field("manifests");
}

}  // namespace oci
