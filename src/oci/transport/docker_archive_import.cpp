#include "oci/transport/docker_archive_import.h"

#include <sys/stat.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "oci/image_config.h"
#include "oci/json_reader.h"
#include "oci/media_types.h"
#include "oci/transport/archive_paths.h"
#include "oci/transport/descriptor_json.h"
#include "oci/transport/errors.h"
#include "oci/transport/layer_ingest.h"
#include "oci/transport/libarchive_handle.h"

namespace oci::transport {
namespace {

constexpr std::string_view kManifestJson = "manifest.json";
constexpr int kMaxLinkHops = 16;

struct ArchiveImage {
  std::string config;               // normalised path in the archive
  std::vector<std::string> layers;  // normalised, links resolved
};

// One pass over the archive; `visit` sees each entry with its normalised path.
template <class Visit>
core::Status for_each_entry(const std::filesystem::path& file, Visit visit) {
  auto opened = open_tar_file(file);
  if (!opened) return opened.error();
  archive* a = opened.value().get();
  archive_entry* entry = nullptr;
  for (;;) {
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) return {};
    if (!read_ok(r)) return invalid_input(file.filename().string(), archive_message(a));
    const char* raw = archive_entry_pathname(entry);
    auto parts = entry_components(raw ? raw : "");
    if (!parts) return parts.error();
    if (auto s = visit(a, entry, join_components(parts.value())); !s) return s;
  }
}

// Reads the current entry's data whole (documents only).
core::Result<std::string> read_entry(archive* a, const std::string& name) {
  std::string bytes;
  char buffer[64 * 1024];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
    if (n < 0) return invalid_input(name, archive_message(a));
    if (n == 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
    if (bytes.size() > json::kMaxDocumentBytes) {
      return invalid_input(name,
                           "larger than " + std::to_string(json::kMaxDocumentBytes) + " bytes");
    }
  }
}

std::string strip_default_registry(std::string_view tag) {
  for (std::string_view prefix : {"docker.io/library/", "docker.io/", "localhost/"}) {
    if (tag.starts_with(prefix)) return std::string(tag.substr(prefix.size()));
  }
  return std::string(tag);
}

core::Result<std::string> archive_path(json::Reader& r, const json::Node& node) {
  std::string text = r.string(node);
  if (!r.ok()) return r.error();
  auto parts = entry_components(text);
  if (!parts)
    return core::Error(parts.error().code(), parts.error().message()).with_field(node.path);
  return join_components(parts.value());
}

// Chooses the entry of manifest.json and its paths.
core::Result<ArchiveImage> select_image(std::string_view bytes, std::string_view tag) {
  auto doc = json::parse(bytes);
  if (!doc) return doc.error();
  if (!doc.value().is_array()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "expected an array, found " + json::describe(doc.value()));
  }
  const json::Json& entries = doc.value();
  json::Reader r;
  std::optional<std::size_t> chosen;
  std::string all_tags;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    json::Node node{&entries[i], json::element_path("", i)};
    if (!r.is_object(node)) return r.error();
    for (const std::string& t : r.strings(r.field(node, "RepoTags"))) {
      all_tags += (all_tags.empty() ? "'" : ", '") + t + "'";
      if (!tag.empty() && strip_default_registry(t) == strip_default_registry(tag)) chosen = i;
    }
    if (!r.ok()) return r.error();
  }
  if (tag.empty()) {
    if (entries.size() != 1) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         std::to_string(entries.size()) +
                             " images and no NAME:TAG to choose one; it has " +
                             (all_tags.empty() ? "no tags" : all_tags));
    }
    chosen = 0;
  }
  if (!chosen) {
    return core::Error(core::ErrorCode::kNotFound, "no image tagged '" + std::string(tag) +
                                                       "'; it has " +
                                                       (all_tags.empty() ? "no tags" : all_tags));
  }
  json::Node node{&entries[*chosen], json::element_path("", *chosen)};
  ArchiveImage image;
  auto config = archive_path(r, r.field(node, "Config", json::Need::kRequired));
  if (!config) return config.error();
  image.config = config.value();
  for (const json::Node& layer : r.elements(r.field(node, "Layers", json::Need::kRequired))) {
    auto path = archive_path(r, layer);
    if (!path) return path.error();
    image.layers.push_back(path.value());
  }
  if (!r.ok()) return r.error();
  return image;
}

core::Result<std::string> follow_links(const std::map<std::string, std::string>& links,
                                       std::string path) {
  for (int hop = 0; hop < kMaxLinkHops; ++hop) {
    auto it = links.find(path);
    if (it == links.end()) return path;
    path = it->second;
  }
  return invalid_input(path, "too many levels of symlinks");
}

std::string layer_media_type(media_type::Compression compression) {
  return std::string(compression == media_type::Compression::kGzip ? media_type::kOciLayerTarGzip
                                                                   : media_type::kOciLayerTar);
}

}  // namespace

core::Result<ImportResult> import_docker_archive(const store::StoreLease& lease,
                                                 const std::filesystem::path& file,
                                                 std::string_view tag, const store::Ref& as,
                                                 const Progress& progress) {
  const std::string archive_name = file.filename().string();
  // The archive is read twice: a FIFO or /dev/stdin would be empty the second
  // time (or block), so only a regular file is accepted.
  struct stat st;
  if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return invalid_input(file.string(),
                         "not a regular file (a docker archive is read twice; save it to a file)");
  }
  // Pass 1: manifest.json and the symlinks.
  std::optional<std::string> manifest_bytes;
  std::map<std::string, std::string> links;
  std::set<std::string> seen;
  auto pass1 = for_each_entry(
      file, [&](archive* a, archive_entry* entry, const std::string& path) -> core::Status {
        // Writers disagree whether the first or the last of two entries wins
        // ("./x" and "x" are one path); a second entry is refused instead.
        if (archive_entry_filetype(entry) != AE_IFDIR && !seen.insert(path).second) {
          return invalid_input(path, "more than one entry for this path in " + archive_name);
        }
        if (const char* target = archive_entry_symlink(entry)) {
          auto resolved = resolve_link(path, target);
          if (!resolved) return resolved.error();
          links[path] = resolved.value();
        } else if (const char* hardlink = archive_entry_hardlink(entry)) {
          // A tar hardlink names its target from the archive's root.
          auto target_parts = entry_components(hardlink);
          if (!target_parts) return target_parts.error();
          links[path] = join_components(target_parts.value());
        } else if (path == kManifestJson && archive_entry_filetype(entry) == AE_IFREG) {
          auto bytes = read_entry(a, path);
          if (!bytes) return bytes.error();
          manifest_bytes = std::move(bytes).value();
        }
        return {};
      });
  if (!pass1) return pass1.error();
  if (!manifest_bytes) {
    return core::Error(core::ErrorCode::kNotFound,
                       archive_name + ": manifest.json missing (not a docker archive?)");
  }
  auto selected = select_image(*manifest_bytes, tag);
  if (!selected) return in_file("manifest.json", selected.error());
  ArchiveImage image = selected.value();
  auto config_path = follow_links(links, image.config);
  if (!config_path) return in_file("manifest.json: Config", config_path.error());
  std::map<std::string, std::optional<IngestedLayer>> layer_files;
  std::vector<std::string> layer_paths;
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    auto path = follow_links(links, image.layers[i]);
    if (!path) return in_file("manifest.json: Layers[" + std::to_string(i) + "]", path.error());
    layer_paths.push_back(path.value());
    layer_files[path.value()];
  }

  // Pass 2: the config and the layers.
  ImportResult result;
  std::optional<std::string> config_bytes;
  auto pass2 = for_each_entry(
      file, [&](archive* a, archive_entry* entry, const std::string& path) -> core::Status {
        auto layer = layer_files.find(path);
        const bool is_config = path == config_path.value();
        if (!is_config && layer == layer_files.end()) return {};
        if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry)) {
          return {};  // links were resolved in pass 1
        }
        if (is_config) {
          auto bytes = read_entry(a, path);
          if (!bytes) return bytes.error();
          config_bytes = std::move(bytes).value();
        }
        if (layer == layer_files.end() || layer->second) return {};
        auto ingest = LayerIngest::create(lease);
        if (!ingest) return in_file(path, ingest.error());
        const std::uint64_t total = archive_entry_size_is_set(entry)
                                        ? static_cast<std::uint64_t>(archive_entry_size(entry))
                                        : 0;
        std::uint64_t done = 0;
        const void* block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        for (;;) {
          int r = archive_read_data_block(a, &block, &size, &offset);
          if (r == ARCHIVE_EOF) break;
          if (!read_ok(r)) return invalid_input(path, archive_message(a));
          if (static_cast<std::uint64_t>(offset) != done) {
            return invalid_input(path, "sparse entries are not supported");
          }
          auto s = ingest.value().write(std::string_view(static_cast<const char*>(block), size));
          if (!s) return in_file(path, s.error());
          done += size;
          if (progress) progress(done, total, path);
        }
        auto committed = ingest.value().commit();
        if (!committed) return in_file(path, committed.error());
        ++result.blobs_added;
        result.bytes_added += committed.value().size;
        layer->second = committed.value();
        return {};
      });
  if (!pass2) return pass2.error();

  if (!config_bytes) {
    return core::Error(
        core::ErrorCode::kNotFound,
        "manifest.json: Config: '" + config_path.value() + "' is not in the archive");
  }
  auto config = parse_image_config(*config_bytes);
  if (!config) return in_file(config_path.value(), config.error());
  const std::vector<Digest>& diff_ids = config.value().diff_ids;
  if (diff_ids.size() != layer_paths.size()) {
    return invalid_input("manifest.json: Layers", std::to_string(layer_paths.size()) +
                                                      " layers, but " + config_path.value() +
                                                      " has " + std::to_string(diff_ids.size()) +
                                                      " rootfs.diff_ids");
  }
  nlohmann::ordered_json manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = media_type::kOciManifest;
  const Digest config_digest = Digest::sha256_of(*config_bytes);
  manifest["config"] = descriptor_json(media_type::kOciConfig, config_digest, config_bytes->size());
  manifest["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < layer_paths.size(); ++i) {
    const std::string field = "manifest.json: Layers[" + std::to_string(i) + "]";
    const std::optional<IngestedLayer>& layer = layer_files[layer_paths[i]];
    if (!layer) {
      return core::Error(core::ErrorCode::kNotFound,
                         field + ": '" + layer_paths[i] + "' is not in the archive");
    }
    if (layer->diff_id != diff_ids[i]) {
      return invalid_input(field, "'" + layer_paths[i] + "' has diff id " + layer->diff_id.str() +
                                      " but " + config_path.value() + " says rootfs.diff_ids[" +
                                      std::to_string(i) + "] = " + diff_ids[i].str());
    }
    manifest["layers"].push_back(
        descriptor_json(layer_media_type(layer->compression), layer->digest, layer->size));
  }

  const std::string manifest_text = manifest.dump();
  for (const std::string* bytes : {&std::as_const(*config_bytes), &manifest_text}) {
    const bool present = lease.store().has_blob(Digest::sha256_of(*bytes));
    auto put = lease.put_blob(*bytes);
    if (!put) return put.error();
    ++(present ? result.blobs_present : result.blobs_added);
    if (!present) result.bytes_added += bytes->size();
  }
  Descriptor descriptor;
  descriptor.media_type = std::string(media_type::kOciManifest);
  descriptor.digest = Digest::sha256_of(manifest_text);
  descriptor.size = static_cast<std::int64_t>(manifest_text.size());
  if (auto s = lease.set_ref(as, descriptor); !s) return s.error();
  result.image = descriptor;
  return result;
}

}  // namespace oci::transport
