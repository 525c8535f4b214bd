#include <cstdio>

#include "image_actions.h"
#include "oci/layers/image_resolver.h"
#include "oci/store/store_root.h"

namespace lxcri {

core::Result<oci::store::Store> open_store(const ImageOptions& o) {
  return oci::store::Store::open(oci::store::default_store_root(o.store));
}

core::Result<oci::Platform> wanted_platform(const ImageOptions& o) {
  if (o.platform.empty()) return oci::host_platform();
  return oci::parse_platform(o.platform);
}

core::Result<ImageRow> resolve_row(const oci::store::Store& store, const oci::store::Ref& ref,
                                   const oci::Platform& platform) {
  auto root = store.resolve(ref);
  if (!root.is_ok()) return root.error();
  auto image = oci::layers::resolve_image(store, root.value(), platform, nullptr);
  if (!image.is_ok()) return image.error();
  return ImageRow{ref.str(), root.value(), std::move(image.value()), {}};
}

oci::Progress progress_to(ProgressBar& bar) {
  if (!bar.enabled()) return {};
  return [&bar](std::uint64_t done, std::uint64_t total, std::string_view what) {
    bar.update(done, total, what);
  };
}

void print_each_to_stderr(const char* prefix, const std::vector<std::string>& items) {
  for (const auto& item : items)
    std::fprintf(stderr, "lxcri: %s%s\n", prefix, item.c_str());
}

}  // namespace lxcri
