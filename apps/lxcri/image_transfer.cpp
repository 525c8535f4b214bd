#include <cstdio>

#include "core/memory/memory_metrics.h"
#include "exit_codes.h"
#include "image_actions.h"
#include "layerfs/open_snapshotter.h"
#include "oci/transport/export.h"
#include "oci/transport/import.h"
#include "oci/transport/location.h"
#include "oci/unpack/unpack_image.h"
#include "runtime/bundle/image_bundle.h"

namespace lxcri {

int import_image(const ImageOptions& o) {
  auto from = oci::transport::parse_location(o.source);
  if (!from.is_ok()) return report_usage(from.error());
  auto ref = oci::store::parse_ref(o.ref);
  if (!ref.is_ok()) return report_usage(ref.error());
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  auto lease = store.value().lease();
  if (!lease.is_ok()) return report_error(lease.error());
  ProgressBar bar;
  auto result =
      oci::transport::import_image(lease.value(), from.value(), ref.value(), progress_to(bar));
  bar.finish();
  if (!result.is_ok()) return report_error(result.error());
  const auto& r = result.value();
  std::printf("%s %s (%llu blobs added, %llu already present, %s)\n", ref.value().str().c_str(),
              r.image.digest.str().c_str(), static_cast<unsigned long long>(r.blobs_added),
              static_cast<unsigned long long>(r.blobs_present),
              core::format_bytes(static_cast<int64_t>(r.bytes_added)).c_str());
  return kExitOk;
}

int export_image(const ImageOptions& o) {
  auto ref = oci::store::parse_ref(o.ref);
  if (!ref.is_ok()) return report_usage(ref.error());
  auto to = oci::transport::parse_location(o.target);
  if (!to.is_ok()) return report_usage(to.error());
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  ProgressBar bar;
  core::Status status =
      oci::transport::export_image(store.value(), ref.value(), to.value(), progress_to(bar));
  bar.finish();
  if (!status.is_ok()) return report_error(status.error());
  std::printf("%s -> %s\n", ref.value().str().c_str(), o.target.c_str());
  return kExitOk;
}

int create_image(ImageOptions& o) {
  auto ref = oci::store::parse_ref(o.ref);
  if (!ref.is_ok()) return report_usage(ref.error());
  auto platform = wanted_platform(o);
  if (!platform.is_ok()) return report_usage(platform.error());
  o.create.platform = platform.value();
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  auto lease = store.value().lease();
  if (!lease.is_ok()) return report_error(lease.error());
  ProgressBar bar;
  auto made = oci::transport::create_from_dir(lease.value(), o.rootfs, ref.value(), o.create,
                                              progress_to(bar));
  bar.finish();
  if (!made.is_ok()) return report_error(made.error());
  std::printf("%s %s\n", ref.value().str().c_str(), made.value().digest.str().c_str());
  return kExitOk;
}

int unpack_image(const ImageOptions& o) {
  int code = kExitOk;
  std::optional<LeasedImage> image = open_leased_image(o, code);
  if (!image) return code;
  ProgressBar bar;
  oci::unpack::ImageUnpackOptions options;
  options.unpack.on_warning = [&bar](std::string_view warning) {
    bar.finish();
    std::fprintf(stderr, "lxcri: warning: %.*s\n", static_cast<int>(warning.size()),
                 warning.data());
  };
  options.progress = progress_to(bar);
  options.sources.parallelism = o.jobs;
  auto stats = oci::unpack::unpack_image(image->store, image->image(), o.target, options);
  bar.finish();
  if (!stats.is_ok()) return report_error(stats.error());
  const auto& s = stats.value();
  std::printf("%s -> %s: %zu layers, %llu entries, %s\n", image->ref.str().c_str(),
              o.target.c_str(), image->image().layers.size(),
              static_cast<unsigned long long>(s.entries),
              core::format_bytes(static_cast<int64_t>(s.bytes)).c_str());
  return kExitOk;
}

int make_bundle(const ImageOptions& o) {
  int code = kExitOk;
  std::optional<LeasedImage> image = open_leased_image(o, code);
  if (!image) return code;
  std::unique_ptr<layerfs::Snapshotter> snapshots;
  if (o.snapshot) {
    auto opened = layerfs::open_snapshotter(image->store.root(), o.snapshotter);
    if (opened.is_ok()) {
      snapshots = std::move(opened).value();
    } else if (opened.error().code() == core::ErrorCode::kFailedPrecondition &&
               !o.snapshotter_named) {
      // The store's filesystem cannot take the default snapshotter (a store
      // on overlayfs, inside a container, say): a plain copy still runs. A
      // snapshotter the user named is theirs: its error stands.
      std::fprintf(stderr, "lxcri: warning: %s; unpacking a copy instead\n",
                   opened.error().to_string().c_str());
    } else {
      return report_error(opened.error());
    }
  }
  core::Status made = runtime::bundle::make_image_bundle(image->store, image->image(), o.target,
                                                         {o.hostname, o.args, snapshots.get()});
  if (!made.is_ok()) return report_error(made.error());
  std::printf("%s -> %s\n", image->ref.str().c_str(), o.target.c_str());
  return kExitOk;
}

}  // namespace lxcri
