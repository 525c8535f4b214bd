#include "layerfs/metadata.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "oci/store/posix_file.h"

namespace layerfs {

namespace {

using Json = nlohmann::json;

constexpr int kVersion = 1;
// Ids stay within 18 digits (record_of), so they always parse.
constexpr std::uint64_t kMaxId = 1'000'000'000'000'000'000ull;

core::Error bad(const std::filesystem::path& file, const std::string& field,
                const std::string& message) {
  core::Error e(core::ErrorCode::kInvalidArgument, "snapshot metadata: " + message);
  e.with_file(file.string());
  if (!field.empty()) e.with_field(field);
  return e;
}

core::Result<Kind> kind_of(const std::string& name) {
  for (Kind k : {Kind::kActive, Kind::kCommitted, Kind::kView}) {
    if (kind_name(k) == name) return k;
  }
  return core::Error(core::ErrorCode::kInvalidArgument, "unknown kind '" + name + "'");
}

core::Result<Record> record_of(const std::string& key, const Json& j,
                               const std::filesystem::path& file) {
  const std::string where = "snapshots." + key;
  if (!j.is_object()) return bad(file, where, "a snapshot must be an object");
  Record r;
  r.info.key = key;
  try {
    r.id = j.at("id").get<std::string>();
    auto kind = kind_of(j.at("kind").get<std::string>());
    if (!kind) return bad(file, where + ".kind", kind.error().message());
    r.info.kind = kind.value();
    r.info.parent = j.at("parent").get<std::string>();
    r.info.labels = j.at("labels").get<std::map<std::string, std::string>>();
    r.info.created = j.at("created").get<std::int64_t>();
    r.info.updated = j.at("updated").get<std::int64_t>();
  } catch (const Json::exception& e) {
    return bad(file, where, e.what());
  }
  if (r.id.empty() || r.id.size() > 18 ||
      r.id.find_first_not_of("0123456789") != std::string::npos) {
    return bad(file, where + ".id", "the id must be a number, got '" + r.id + "'");
  }
  return r;
}

}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kActive:
      return "active";
    case Kind::kCommitted:
      return "committed";
    case Kind::kView:
      return "view";
  }
  return "?";
}

core::Result<Metadata> Metadata::load(const std::filesystem::path& file) {
  Metadata m;
  std::ifstream in(file);
  if (!in) {
    if (!std::filesystem::exists(file)) return m;
    return core::Error(core::ErrorCode::kInternal, "cannot read the snapshot metadata")
        .with_file(file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  Json j = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad(file, "", "not a JSON object");
  const Json version = j.contains("version") ? j["version"] : Json();
  if (!version.is_number_integer() || version.get<std::int64_t>() != kVersion) {
    return bad(file, "version",
               "version " + version.dump() + " is not the one this lxcri reads (1)");
  }
  if (!j.contains("next_id") || !j["next_id"].is_number_unsigned() ||
      j["next_id"].get<std::uint64_t>() < 1 || j["next_id"].get<std::uint64_t>() > kMaxId) {
    return bad(file, "next_id", "an integer from 1 to 10^18 is needed");
  }
  m.next_id = j["next_id"].get<std::uint64_t>();
  if (!j.contains("snapshots") || !j["snapshots"].is_object()) {
    return bad(file, "snapshots", "an object of snapshots by key is needed");
  }
  const Json& snapshots = j["snapshots"];
  std::set<std::string> ids;
  for (auto it = snapshots.begin(); it != snapshots.end(); ++it) {
    auto r = record_of(it.key(), it.value(), file);
    if (!r) return r.error();
    if (std::stoull(r.value().id) >= m.next_id) {
      return bad(file, "snapshots." + it.key() + ".id", "id is not below next_id");
    }
    if (!ids.insert(r.value().id).second) {
      return bad(file, "snapshots." + it.key() + ".id",
                 "id " + r.value().id + " belongs to another snapshot too");
    }
    m.snapshots.emplace(it.key(), std::move(r).value());
  }
  for (const auto& [key, r] : m.snapshots) {
    if (r.info.parent.empty()) continue;
    auto parent = m.snapshots.find(r.info.parent);
    if (parent == m.snapshots.end() || parent->second.info.kind != Kind::kCommitted) {
      return bad(file, "snapshots." + key + ".parent",
                 "parent '" + r.info.parent + "' is not a committed snapshot here");
    }
  }
  return m;
}

core::Status Metadata::save(const std::filesystem::path& file) const {
  Json snapshots_json = Json::object();
  for (const auto& [key, r] : snapshots) {
    snapshots_json[key] = {{"id", r.id},
                           {"kind", kind_name(r.info.kind)},
                           {"parent", r.info.parent},
                           {"labels", r.info.labels},
                           {"created", r.info.created},
                           {"updated", r.info.updated}};
  }
  Json j = {{"version", kVersion}, {"next_id", next_id}, {"snapshots", std::move(snapshots_json)}};
  return oci::store::write_file_atomic(file, j.dump(1) + "\n");
}

}  // namespace layerfs
