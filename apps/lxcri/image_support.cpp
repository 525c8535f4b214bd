#include <cstdio>

#include "exit_codes.h"
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

std::optional<LeasedImage> open_leased_image(const ImageOptions& o, int& exit_code) {
  auto ref = oci::store::parse_ref(o.ref);
  if (!ref.is_ok()) return exit_code = report_usage(ref.error()), std::nullopt;
  auto platform = wanted_platform(o);
  if (!platform.is_ok()) return exit_code = report_usage(platform.error()), std::nullopt;
  auto store = open_store(o);
  if (!store.is_ok()) return exit_code = report_error(store.error()), std::nullopt;
  auto lease = store.value().lease();
  if (!lease.is_ok()) return exit_code = report_error(lease.error()), std::nullopt;
  auto row = resolve_row(store.value(), ref.value(), platform.value());
  if (!row.is_ok()) return exit_code = report_error(row.error()), std::nullopt;
  return LeasedImage{std::move(ref).value(), std::move(store).value(), std::move(lease).value(),
                     std::move(row).value()};
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
