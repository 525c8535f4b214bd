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

}  // namespace

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

std::string IndexFile::serialize() const {
  return document_.dump() + "\n";
}

}  // namespace oci::store
