#include "oci/store/index_file.h"

#include <fcntl.h>

#include <map>

#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/store/posix_file.h"

namespace oci::store {
namespace {

std::string ref_name_path(std::size_t i) {
  return json::member_path(json::member_path(json::element_path("manifests", i), "annotations"),
                           kAnnotationRefName);
}

const std::string* ref_name_of(const Descriptor& d) {
  auto it = d.annotations.find(std::string(kAnnotationRefName));
  return it == d.annotations.end() ? nullptr : &it->second;
}

// The JSON of a descriptor the store writes (descriptor.md field names).
json::Json to_json(const Descriptor& d) {
  json::Json j = {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
  if (!d.urls.empty()) j["urls"] = d.urls;
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (d.platform) {
    json::Json p = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
    if (!d.platform->os_version.empty()) p["os.version"] = d.platform->os_version;
    if (!d.platform->os_features.empty()) p["os.features"] = d.platform->os_features;
    if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
    j["platform"] = std::move(p);
  }
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  return j;
}

// Well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values above
// U+10FFFF), which is what nlohmann's dump() insists on.
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < text.size()) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // truncated sequence
    if (byte(i + 1) < lo || byte(i + 1) > hi) return false;
    for (std::size_t k = 2; k <= n; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

core::Status check_json_strings(const Descriptor& d) {
  auto check = [](std::string_view text, const std::string& field) -> core::Status {
    if (is_utf8(text)) return {};
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "not valid UTF-8 (index.json is JSON, which must be)")
        .with_field(field);
  };
  if (auto s = check(d.media_type, "mediaType"); !s) return s;
  if (auto s = check(d.artifact_type, "artifactType"); !s) return s;
  for (std::size_t i = 0; i < d.urls.size(); ++i) {
    if (auto s = check(d.urls[i], json::element_path("urls", i)); !s) return s;
  }
  for (const auto& [key, value] : d.annotations) {
    // A key that is not UTF-8 cannot be printed in the path either.
    if (!is_utf8(key)) return check(key, "annotations");
    if (auto s = check(value, json::member_path("annotations", key)); !s) return s;
  }
  if (d.platform) {
    const Platform& p = *d.platform;
    if (auto s = check(p.architecture, "platform.architecture"); !s) return s;
    if (auto s = check(p.os, "platform.os"); !s) return s;
    if (auto s = check(p.os_version, json::member_path("platform", "os.version")); !s) return s;
    if (auto s = check(p.variant, "platform.variant"); !s) return s;
    for (std::size_t i = 0; i < p.os_features.size(); ++i) {
      if (auto s = check(p.os_features[i],
                         json::element_path(json::member_path("platform", "os.features"), i));
          !s) {
        return s;
      }
    }
  }
  return {};
}

std::string IndexFile::empty_document() {
  return json::Json{{"schemaVersion", 2},
                    {"mediaType", media_type::kOciIndex},
                    {"manifests", json::Json::array()}}
      .dump();
}

core::Result<IndexFile> IndexFile::load(const std::filesystem::path& path) {
  auto bad = [&](core::Error error) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "index.json is not a valid OCI index: " + error.message(), error.context())
        .with_file(path.string());
  };
  auto fd = open_file(path, O_RDONLY);
  if (!fd) {
    if (fd.error().code() == core::ErrorCode::kNotFound) {
      return core::Error(core::ErrorCode::kFailedPrecondition, "the layout has no index.json")
          .with_file(path.string());
    }
    return fd.error();
  }
  auto bytes = read_up_to(fd.value().get(), json::kMaxDocumentBytes, path);
  if (!bytes) return bytes.error();
  if (bytes.value().size() > json::kMaxDocumentBytes) {
    return bad(core::Error(core::ErrorCode::kInvalidArgument, "larger than 16 MiB"));
  }
  auto index = parse_index(bytes.value());
  if (!index) return bad(index.error());
  IndexFile file;
  file.document_ = json::parse(bytes.value()).value();  // parse_index accepted it
  file.entries_ = std::move(index.value().manifests);
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < file.entries_.size(); ++i) {
    const std::string* name = ref_name_of(file.entries_[i]);
    if (name == nullptr) continue;
    auto [it, inserted] = seen.emplace(*name, i);
    if (!inserted) {
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "ref '" + *name + "' names two entries, manifests[" +
                             std::to_string(it->second) + "] and manifests[" + std::to_string(i) +
                             "]")
          .with_file(path.string())
          .with_field(ref_name_path(i));
    }
  }
  return file;
}

std::vector<RefEntry> IndexFile::refs() const {
  std::vector<RefEntry> out;
  for (const Descriptor& d : entries_) {
    if (const std::string* name = ref_name_of(d)) out.push_back({*name, d});
  }
  return out;
}

std::optional<std::size_t> IndexFile::position(std::string_view ref_name) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const std::string* name = ref_name_of(entries_[i]);
    if (name != nullptr && *name == ref_name) return i;
  }
  return std::nullopt;
}

std::optional<Descriptor> IndexFile::find(std::string_view ref_name) const {
  auto i = position(ref_name);
  if (!i) return std::nullopt;
  return entries_[*i];
}

void IndexFile::set(std::string_view ref_name, const Descriptor& descriptor) {
  Descriptor entry = descriptor;
  entry.data.reset();  // index.json entries point at blobs; they do not embed them
  entry.annotations[std::string(kAnnotationRefName)] = std::string(ref_name);
  json::Json& manifests = document_["manifests"];
  if (auto i = position(ref_name)) {
    entries_[*i] = entry;
    manifests[*i] = to_json(entry);
  } else {
    entries_.push_back(entry);
    manifests.push_back(to_json(entry));
  }
}

bool IndexFile::remove(std::string_view ref_name) {
  auto i = position(ref_name);
  if (!i) return false;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(*i));
  document_["manifests"].erase(*i);
  return true;
}

core::Result<std::string> IndexFile::serialize() const {
  // set_ref checks what it adds (check_json_strings); this catch is for
  // anything that still slips through, so no exception leaves the store.
  try {
    return document_.dump() + "\n";
  } catch (const json::Json::exception& e) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       std::string("index.json cannot be written: ") + e.what());
  }
}

}  // namespace oci::store
