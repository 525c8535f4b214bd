#include "runtime/state/container_state.h"

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "oci/json_reader.h"
#include "runtime/state/process_probe.h"

namespace runtime::state {
namespace {

using oci::json::Need;
using oci::json::Node;

bool frozen(const std::string& freezer_dir) {
  if (freezer_dir.empty()) return false;
  std::ifstream in(freezer_dir + "/freezer.state");
  std::string s;
  in >> s;
  return s == "FROZEN" || s == "FREEZING";
}

}  // namespace

const char* status_name(Status status) {
  switch (status) {
    case Status::kCreating:
      return "creating";
    case Status::kCreated:
      return "created";
    case Status::kRunning:
      return "running";
    case Status::kPaused:
      return "paused";
    case Status::kStopped:
      return "stopped";
  }
  return "unknown";
}

std::string to_json(const ContainerState& s) {
  nlohmann::json j = {{"ociVersion", s.oci_version},
                      {"id", s.id},
                      {"bundle", s.bundle},
                      {"pid", s.pid},
                      {"pidStartTime", s.pid_start_time},
                      {"started", s.started},
                      {"created", s.created},
                      {"annotations", s.annotations},
                      {"cgroupDirs", s.cgroup_dirs},
                      {"freezerDir", s.freezer_dir},
                      {"pidsDir", s.pids_dir}};
  return j.dump(2) + "\n";
}

core::Result<ContainerState> state_from_json(const std::string& bytes, const std::string& file) {
  auto doc = oci::json::parse(bytes);
  if (!doc) {
    core::Error e = doc.error();
    return e.with_file(file);
  }
  oci::json::Reader r;
  Node root = r.root(doc.value());
  ContainerState s;
  s.oci_version = r.string(r.field(root, "ociVersion", Need::kRequired));
  s.id = r.string(r.field(root, "id", Need::kRequired));
  s.bundle = r.string(r.field(root, "bundle", Need::kRequired));
  s.pid = static_cast<pid_t>(r.int64(r.field(root, "pid", Need::kRequired), 1));
  s.pid_start_time =
      static_cast<std::uint64_t>(r.int64(r.field(root, "pidStartTime", Need::kRequired), 0));
  s.started = r.boolean(r.field(root, "started"));
  s.created = r.string(r.field(root, "created"));
  s.annotations = r.string_map(r.field(root, "annotations"));
  s.cgroup_dirs = r.strings(r.field(root, "cgroupDirs"));
  s.freezer_dir = r.string(r.field(root, "freezerDir"));
  s.pids_dir = r.string(r.field(root, "pidsDir"));
  if (!r.ok()) {
    core::Error e = r.error();
    return e.with_file(file);
  }
  return s;
}

Status live_status(const ContainerState& s) {
  if (!process_alive(s.pid, s.pid_start_time)) return Status::kStopped;
  if (frozen(s.freezer_dir)) return Status::kPaused;
  return s.started ? Status::kRunning : Status::kCreated;
}

std::string oci_state_json(const ContainerState& s, Status status) {
  nlohmann::json j = {{"ociVersion", s.oci_version},
                      {"id", s.id},
                      {"status", status_name(status)},
                      {"pid", status == Status::kStopped ? 0 : s.pid},
                      {"bundle", s.bundle}};
  if (!s.annotations.empty()) j["annotations"] = s.annotations;
  if (!s.created.empty()) j["created"] = s.created;  // runc prints it too
  return j.dump(2);
}

}  // namespace runtime::state
