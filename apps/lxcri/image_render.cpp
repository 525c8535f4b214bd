#include "image_render.h"

#include <algorithm>
#include <cstdio>

#include "core/memory/memory_metrics.h"

namespace lxcri {
namespace {

using nlohmann::json;

std::string short_digest(const oci::Digest& digest) {
  return std::string(digest.encoded().substr(0, 12));
}

std::string platform_text(const oci::Platform& p) {
  std::string text = p.os + "/" + p.architecture;
  if (!p.variant.empty()) text += "/" + p.variant;
  return text;
}

// Config plus compressed layers: what the image costs in the store (shared
// layers counted for every image that uses them, as `docker images` does).
std::int64_t stored_size(const oci::layers::ResolvedImage& image) {
  std::int64_t size = image.manifest_descriptor.size + image.config_descriptor.size;
  for (const auto& layer : image.layers)
    size += layer.blob.size;
  return size;
}

json descriptor_json(const oci::Descriptor& d) {
  json out = {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
  if (d.platform) out["platform"] = platform_text(*d.platform);
  return out;
}

json layers_json(const oci::layers::ResolvedImage& image) {
  json layers = json::array();
  for (const auto& layer : image.layers) {
    json entry = descriptor_json(layer.blob);
    entry["diffID"] = layer.diff_id.str();
    entry["chainID"] = layer.chain_id.str();
    layers.push_back(std::move(entry));
  }
  return layers;
}

// A stored JSON document as JSON (it was verified and parsed when resolved).
core::Result<json> stored_document(const oci::store::Store& store, const oci::Digest& digest) {
  auto bytes = store.read_blob(digest);
  if (!bytes.is_ok()) return bytes.error();
  json parsed = json::parse(bytes.value(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "stored document is not JSON")
        .with_field(digest.str());
  }
  return parsed;
}

}  // namespace

json image_row_json(const ImageRow& row) {
  json out = {{"ref", row.ref}, {"descriptor", descriptor_json(row.root)}};
  if (!row.image) {
    out["error"] = row.error;
    return out;
  }
  const auto& image = *row.image;
  out["manifest"] = image.manifest_descriptor.digest.str();
  out["platform"] = platform_text(image.config.platform);
  out["created"] = image.config.created;
  out["layers"] = image.layers.size();
  out["size"] = stored_size(image);
  return out;
}

std::string image_table(const std::vector<ImageRow>& rows) {
  std::vector<std::vector<std::string>> cells = {
      {"REF", "DIGEST", "PLATFORM", "LAYERS", "SIZE", "CREATED"}};
  for (const auto& row : rows) {
    if (!row.image) {
      cells.push_back(
          {row.ref, short_digest(row.root.digest), "-", "-", "-", "error: " + row.error});
      continue;
    }
    const auto& image = *row.image;
    cells.push_back({row.ref, short_digest(row.root.digest), platform_text(image.config.platform),
                     std::to_string(image.layers.size()), core::format_bytes(stored_size(image)),
                     image.config.created.empty() ? "-" : image.config.created});
  }
  std::vector<std::size_t> widths(cells.front().size(), 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i)
      widths[i] = std::max(widths[i], line[i].size());
  }
  std::string out;
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(widths[i] - line[i].size() + 2, ' ');
    }
    out += '\n';
  }
  return out;
}

core::Result<json> inspect_json(const oci::store::Store& store, const ImageRow& row) {
  const auto& image = *row.image;
  json out = {{"ref", row.ref}, {"descriptor", descriptor_json(row.root)}};
  json path = json::array();
  for (const auto& digest : image.index_path)
    path.push_back(digest.str());
  out["indexPath"] = std::move(path);
  out["manifestDescriptor"] = descriptor_json(image.manifest_descriptor);
  auto manifest = stored_document(store, image.manifest_descriptor.digest);
  if (!manifest.is_ok()) return manifest.error();
  out["manifest"] = std::move(manifest.value());
  auto config = stored_document(store, image.config_descriptor.digest);
  if (!config.is_ok()) return config.error();
  out["config"] = std::move(config.value());
  out["layers"] = layers_json(image);
  return out;
}

std::string inspect_text(const ImageRow& row) {
  const auto& image = *row.image;
  const auto& config = image.config;
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    out += std::string(key) + ":" + std::string(12 - key.size(), ' ') + value + "\n";
  };
  auto joined = [](const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
      text += (text.empty() ? "" : " ") + item;
    return text;
  };
  line("Ref", row.ref);
  line("Digest", row.root.digest.str());
  if (image.manifest_descriptor.digest != row.root.digest) {
    line("Manifest", image.manifest_descriptor.digest.str());
  }
  line("Config", image.config_descriptor.digest.str());
  line("Platform", platform_text(config.platform));
  line("Created", config.created);
  line("Author", config.author);
  line("Size", core::format_bytes(stored_size(image)));
  if (config.config.entrypoint) line("Entrypoint", joined(*config.config.entrypoint));
  if (config.config.cmd) line("Cmd", joined(*config.config.cmd));
  line("WorkingDir", config.config.working_dir);
  line("User", config.config.user);
  for (const auto& env : config.config.env)
    line("Env", env);
  out += "Layers:\n";
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    const auto& layer = image.layers[i];
    char head[64];
    std::snprintf(head, sizeof head, "  %2zu  ", i);
    out += head + layer.blob.digest.str() + "  " + core::format_bytes(layer.blob.size) + "  " +
           layer.blob.media_type + "\n" + "      diff  " + layer.diff_id.str() + "\n      chain " +
           layer.chain_id.str() + "\n";
  }
  return out;
}

}  // namespace lxcri
