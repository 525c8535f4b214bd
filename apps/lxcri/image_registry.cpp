// `lxcri image pull [docker://]REGISTRY/REPO[:TAG|@DIGEST] [NAME:TAG]` and
// `lxcri image push NAME:TAG [docker://]REGISTRY/REPO[:TAG]`.
#include <cstdio>
#include <filesystem>

#include "blob_bars.h"
#include "exit_codes.h"
#include "image_actions.h"
#include "oci/registry/pull.h"
#include "oci/registry/push.h"

namespace lxcri {
namespace {

// --creds, else --authfile, else the first default auth file that has some.
core::Result<std::optional<oci::registry::Credentials>> credentials_for(
    const ImageOptions& o, const std::string& registry) {
  if (!o.creds.empty()) {
    auto parsed = oci::registry::parse_credentials(o.creds);
    if (!parsed) return parsed.error();
    return std::optional<oci::registry::Credentials>(std::move(parsed).value());
  }
  std::vector<std::filesystem::path> files;
  if (!o.authfile.empty()) {
    files.emplace_back(o.authfile);
  } else {
    files = oci::registry::default_auth_files();
  }
  for (const auto& file : files) {
    auto found = oci::registry::credentials_from_auth_file(file, registry);
    if (!found) return found.error();
    if (found.value()) return found;
  }
  return std::optional<oci::registry::Credentials>();
}

// A client for `registry` with the options and credentials of the command line.
core::Result<std::unique_ptr<oci::registry::RegistryClient>> client_for(
    const ImageOptions& o, const oci::registry::RegistryRef& ref) {
  auto credentials = credentials_for(o, ref.registry);
  if (!credentials) return credentials.error();
  oci::registry::RegistryOptions options;
  options.http.tls_verify = o.tls_verify;
  const std::filesystem::path cert_dir = o.cert_dir.empty()
                                             ? oci::registry::default_cert_dir(ref.registry)
                                             : std::filesystem::path(o.cert_dir);
  if (!cert_dir.empty()) {
    if (auto s = oci::registry::load_cert_dir(cert_dir, options.http); !s) return s.error();
  }
  options.http.stall_seconds = o.stall_seconds;
  options.credentials = credentials.value();
  options.plain_http = o.plain_http;
  options.http_fallback = oci::registry::is_loopback_registry(ref.registry) || !o.tls_verify;
  return std::make_unique<oci::registry::RegistryClient>(ref.api_host(), options);
}

}  // namespace

int push_image(const ImageOptions& o) {
  auto from = oci::store::parse_ref(o.ref);
  if (!from) return report_usage(from.error());
  auto to = oci::registry::parse_registry_ref(o.target);
  if (!to) return report_usage(to.error());
  auto client = client_for(o, to.value());
  if (!client) {
    // A bad --creds is a usage error; a bad auth file, bad content.
    return o.creds.empty() ? report_error(client.error()) : report_usage(client.error());
  }
  auto store = open_store(o);
  if (!store) return report_error(store.error());
  BlobBars bars;
  oci::registry::PushOptions push;
  if (o.jobs > 0) push.parallel = o.jobs;
  push.chunk_bytes = o.chunk_size;
  if (!o.quiet) push.progress = bars.progress();
  auto result =
      oci::registry::push_image(*client.value(), store.value(), from.value(), to.value(), push);
  if (!result) return report_error(result.error());
  const auto& r = result.value();
  if (!o.quiet) {
    const std::string mounted = r.blobs_mounted == 0 ? ""
                                                     : ", " + std::to_string(r.blobs_mounted) +
                                                           " mounted from " + r.mounted_from;
    std::printf("%s %s (%llu blobs pushed%s, %llu already there, %s)\n", to.value().str().c_str(),
                r.root.digest.str().c_str(), static_cast<unsigned long long>(r.blobs_pushed),
                mounted.c_str(), static_cast<unsigned long long>(r.blobs_present),
                core::format_bytes(static_cast<int64_t>(r.bytes_pushed)).c_str());
  }
  return kExitOk;
}

int pull_image(const ImageOptions& o) {
  auto from = oci::registry::parse_registry_ref(o.source);
  if (!from) return report_usage(from.error());
  std::string as_text = o.ref;
  if (as_text.empty()) {
    if (from.value().tag.empty()) {
      return report_usage(core::Error(core::ErrorCode::kInvalidArgument,
                                      "a pull by digest needs NAME:TAG to store it under"));
    }
    as_text = from.value().repository + ":" + from.value().tag;
  }
  auto as = oci::store::parse_ref(as_text);
  if (!as) return report_usage(as.error());
  auto platform = wanted_platform(o);
  if (!platform) return report_usage(platform.error());
  auto client = client_for(o, from.value());
  if (!client) {
    // A bad --creds is a usage error; a bad auth file, bad content.
    return o.creds.empty() ? report_error(client.error()) : report_usage(client.error());
  }

  auto store = open_store(o);
  if (!store) return report_error(store.error());
  auto lease = store.value().lease();
  if (!lease) return report_error(lease.error());
  BlobBars bars;
  oci::registry::PullOptions pull;
  pull.platform = platform.value();
  if (o.jobs > 0) pull.parallel = o.jobs;
  if (!o.quiet) pull.progress = bars.progress();
  auto result =
      oci::registry::pull_image(*client.value(), from.value(), lease.value(), as.value(), pull);
  if (!result) return report_error(result.error());
  const auto& r = result.value();
  if (!o.quiet) {
    std::printf("%s %s (%llu blobs fetched, %llu already present, %s)\n", as.value().str().c_str(),
                r.root.digest.str().c_str(), static_cast<unsigned long long>(r.blobs_fetched),
                static_cast<unsigned long long>(r.blobs_present),
                core::format_bytes(static_cast<int64_t>(r.bytes_fetched)).c_str());
  }
  return kExitOk;
}

}  // namespace lxcri
