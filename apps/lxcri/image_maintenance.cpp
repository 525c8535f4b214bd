#include <cstdio>

#include "core/memory/memory_metrics.h"
#include "exit_codes.h"
#include "image_actions.h"
#include "layerfs/layer_gc.h"
#include "layerfs/metadata.h"
#include "layerfs/open_snapshotter.h"
#include "oci/layers/metadata_cache.h"

namespace lxcri {

int list_images(const ImageOptions& o) {
  auto platform = wanted_platform(o);
  if (!platform.is_ok()) return report_usage(platform.error());
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  auto entries = store.value().list_refs();
  if (!entries.is_ok()) return report_error(entries.error());
  // Images share configs and index entries: parse each document once.
  auto cache = oci::layers::MetadataCache::create();
  if (!cache.is_ok()) return report_error(cache.error());
  std::vector<ImageRow> rows;
  for (const auto& entry : entries.value()) {
    ImageRow row{entry.name, entry.descriptor, std::nullopt, {}};
    auto image = oci::layers::resolve_image(store.value(), entry.descriptor, platform.value(),
                                            &cache.value());
    if (image.is_ok()) {
      row.image = std::move(image.value());
    } else {
      row.error = image.error().to_string();
    }
    rows.push_back(std::move(row));
  }
  if (o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : rows)
      out.push_back(image_row_json(row));
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::fputs(image_table(rows).c_str(), stdout);
  }
  return kExitOk;
}

int inspect_image(const ImageOptions& o) {
  auto ref = oci::store::parse_ref(o.ref);
  if (!ref.is_ok()) return report_usage(ref.error());
  auto platform = wanted_platform(o);
  if (!platform.is_ok()) return report_usage(platform.error());
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  auto row = resolve_row(store.value(), ref.value(), platform.value());
  if (!row.is_ok()) return report_error(row.error());
  if (o.format == "json") {
    auto out = inspect_json(store.value(), row.value());
    if (!out.is_ok()) return report_error(out.error());
    std::printf("%s\n", out.value().dump(2).c_str());
  } else {
    std::fputs(inspect_text(row.value()).c_str(), stdout);
  }
  return kExitOk;
}

int tag_image(const ImageOptions& o) {
  auto from = oci::store::parse_ref(o.ref);
  if (!from.is_ok()) return report_usage(from.error());
  auto to = oci::store::parse_ref(o.target);
  if (!to.is_ok()) return report_usage(to.error());
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  auto lease = store.value().lease();
  if (!lease.is_ok()) return report_error(lease.error());
  auto root = store.value().resolve(from.value());
  if (!root.is_ok()) return report_error(root.error());
  if (core::Status s = lease.value().set_ref(to.value(), root.value()); !s.is_ok()) {
    return report_error(s.error());
  }
  std::printf("%s -> %s\n", to.value().str().c_str(), root.value().digest.str().c_str());
  return kExitOk;
}

int remove_images(const ImageOptions& o) {
  std::vector<oci::store::Ref> refs;
  for (const auto& text : o.refs) {
    auto ref = oci::store::parse_ref(text);
    if (!ref.is_ok()) return report_usage(ref.error());
    refs.push_back(std::move(ref.value()));
  }
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  int exit_code = kExitOk;
  for (const auto& ref : refs) {
    if (core::Status s = store.value().remove_ref(ref); !s.is_ok()) {
      exit_code = report_error(s.error());
      continue;
    }
    std::printf("removed %s\n", ref.str().c_str());
  }
  if (exit_code == kExitOk)
    std::printf("(blobs and unpacked layers stay until `lxcri image gc`)\n");
  return exit_code;
}

// The layer snapshots of every snapshotter that holds any in this store. A
// snapshotter that cannot open here (no ZFS dataset given, ...) is an error
// only when it has snapshots to collect.
int collect_layers(const oci::store::Store& store) {
  int exit_code = kExitOk;
  for (const std::string& name : layerfs::kSnapshotterNames) {
    auto records = layerfs::Metadata::load(store.root() / "snapshots" / name / "metadata.json");
    if (records && records.value().snapshots.empty()) continue;
    auto snapshots = layerfs::open_snapshotter(store.root(), name);
    if (!snapshots) {
      exit_code = report_error(snapshots.error());
      continue;
    }
    auto report = layerfs::remove_unused_layers(*snapshots.value(), store);
    if (!report) {
      exit_code = report_error(report.error());
      continue;
    }
    if (report.value().removed.empty()) continue;
    std::printf("%s: removed %zu unused layers (%s)\n", name.c_str(), report.value().removed.size(),
                core::format_bytes(static_cast<int64_t>(report.value().bytes_freed)).c_str());
  }
  return exit_code;
}

int collect_garbage(const ImageOptions& o) {
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  const int layers_exit = collect_layers(store.value());
  auto report = store.value().gc();
  if (!report.is_ok()) return report_error(report.error());
  const auto& r = report.value();
  print_each_to_stderr("missing blob ", r.missing);
  print_each_to_stderr("", r.problems);
  if (!r.not_swept.empty()) {
    std::fprintf(stderr, "lxcri: gc deleted nothing: %s\n", r.not_swept.c_str());
    return kExitBadContent;
  }
  std::printf("removed %llu blobs (%s), kept %llu; removed %llu ingest and %llu temp files\n",
              static_cast<unsigned long long>(r.blobs_removed),
              core::format_bytes(static_cast<int64_t>(r.bytes_freed)).c_str(),
              static_cast<unsigned long long>(r.blobs_kept),
              static_cast<unsigned long long>(r.ingest_files_removed),
              static_cast<unsigned long long>(r.temp_files_removed));
  return layers_exit;
}

int check_store(const ImageOptions& o) {
  auto store = open_store(o);
  if (!store.is_ok()) return report_error(store.error());
  auto report = store.value().check();
  if (!report.is_ok()) return report_error(report.error());
  const auto& r = report.value();
  print_each_to_stderr("corrupt blob ", r.corrupt);
  print_each_to_stderr("", r.problems);
  std::printf("%llu blobs checked, %zu corrupt\n", static_cast<unsigned long long>(r.blobs_checked),
              r.corrupt.size());
  return r.corrupt.empty() && r.problems.empty() ? kExitOk : kExitBadContent;
}

}  // namespace lxcri
