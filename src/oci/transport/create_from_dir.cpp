#include "oci/transport/create_from_dir.h"

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "oci/image_config.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/rfc3339.h"
#include "oci/transport/descriptor_json.h"
#include "oci/transport/errors.h"
#include "oci/transport/layer_builder.h"

namespace oci::transport {
namespace {

using OrderedJson = nlohmann::ordered_json;

core::Error invalid_option(std::string_view field, std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message))
      .with_field(std::string(field));
}

// 9999-12-31T23:59:59Z.
constexpr std::int64_t kLastRfc3339Second = 253402300799;

core::Result<std::optional<std::int64_t>> source_date_epoch() {
  const char* text = std::getenv("SOURCE_DATE_EPOCH");
  if (text == nullptr || *text == '\0') return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const char* end = text + std::char_traits<char>::length(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value < 0) {
    return invalid_option("SOURCE_DATE_EPOCH", "SOURCE_DATE_EPOCH='" + std::string(text) +
                                                   "' is not a number of seconds");
  }
  // RFC 3339 has four-digit years: checked here, before a layer is built
  // for a config that could not be written.
  if (value > kLastRfc3339Second) {
    return invalid_option("SOURCE_DATE_EPOCH",
                          "SOURCE_DATE_EPOCH='" + std::string(text) + "' is after the year 9999");
  }
  return std::optional<std::int64_t>(value);
}

std::string format_rfc3339(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string config_document(const CreateOptions& options, const Platform& platform,
                            const std::string& created, const Digest& diff_id) {
  OrderedJson run = OrderedJson::object();
  if (!options.user.empty()) run["User"] = options.user;
  if (!options.env.empty()) run["Env"] = options.env;
  if (!options.entrypoint.empty()) run["Entrypoint"] = options.entrypoint;
  if (!options.cmd.empty()) run["Cmd"] = options.cmd;
  if (!options.working_dir.empty()) run["WorkingDir"] = options.working_dir;
  OrderedJson j;
  j["created"] = created;
  j["architecture"] = platform.architecture;
  j["os"] = platform.os;
  if (!platform.variant.empty()) j["variant"] = platform.variant;
  j["config"] = run;
  j["rootfs"] = {{"type", "layers"}, {"diff_ids", {diff_id.str()}}};
  j["history"] =
      OrderedJson::array({{{"created", created}, {"created_by", "lxcri image create --from-dir"}}});
  return j.dump();
}

}  // namespace

core::Result<Descriptor> create_from_dir(const store::StoreLease& lease,
                                         const std::filesystem::path& rootfs, const store::Ref& as,
                                         const CreateOptions& options, const Progress& progress) {
  auto epoch = source_date_epoch();
  if (!epoch) return epoch.error();
  std::string created = options.created;
  if (created.empty()) {
    created = format_rfc3339(epoch.value() ? *epoch.value() : std::time(nullptr));
  } else if (!is_rfc3339(created)) {
    return invalid_option("created", "'" + created + "' is not an RFC 3339 time");
  }
  for (std::size_t i = 0; i < options.env.size(); ++i) {
    std::size_t eq = options.env[i].find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid_option("env[" + std::to_string(i) + "]",
                            "'" + options.env[i] + "' is not NAME=value");
    }
  }
  // Only what was not given comes from the host ("--os freebsd" keeps the
  // host's architecture, not the other way round).
  Platform platform = options.platform;
  const Platform host = host_platform();
  if (platform.os.empty()) platform.os = host.os;
  if (platform.architecture.empty()) {
    platform.architecture = host.architecture;
    if (platform.variant.empty()) platform.variant = host.variant;
  }

  auto layer = build_layer(lease, rootfs, epoch.value(), progress);
  if (!layer) return layer.error();

  const std::string config = config_document(options, platform, created, layer.value().diff_id);
  // Our own document must pass the same checks as anyone else's.
  if (auto parsed = parse_image_config(config); !parsed) return in_file("config", parsed.error());
  OrderedJson manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = media_type::kOciManifest;
  manifest["config"] =
      descriptor_json(media_type::kOciConfig, Digest::sha256_of(config), config.size());
  manifest["layers"] = OrderedJson::array(
      {descriptor_json(media_type::kOciLayerTarGzip, layer.value().digest, layer.value().size)});
  const std::string manifest_text = manifest.dump();
  if (auto parsed = parse_manifest(manifest_text); !parsed) {
    return in_file("manifest", parsed.error());
  }
  for (const std::string* bytes : {&config, &manifest_text}) {
    if (auto put = lease.put_blob(*bytes); !put) return put.error();
  }
  Descriptor descriptor;
  descriptor.media_type = std::string(media_type::kOciManifest);
  descriptor.digest = Digest::sha256_of(manifest_text);
  descriptor.size = static_cast<std::int64_t>(manifest_text.size());
  if (auto s = lease.set_ref(as, descriptor); !s) return s.error();
  return descriptor;
}

}  // namespace oci::transport
