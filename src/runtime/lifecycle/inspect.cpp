// state, list, ps and stats: reading containers without changing them.
#include <dirent.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "runtime/lifecycle/cgroups.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"

namespace runtime::lifecycle {
namespace {

// The first number in a cgroup file, or -1 when it is missing.
long long read_number(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word)) return -1;
  if (word == "max") return 0;
  try {
    return std::stoll(word);
  } catch (...) {
    return -1;
  }
}

std::string dir_with(const std::vector<std::string>& dirs, const std::string& file) {
  for (const auto& d : dirs) {
    if (std::ifstream(d + "/" + file)) return d;
  }
  return {};
}

}  // namespace

core::Result<Snapshot> inspect(const RuntimeContext& ctx, const std::string& id) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  Snapshot snap{open.value().state, state::live_status(open.value().state)};
  return snap;
}

std::vector<Snapshot> list(const RuntimeContext& ctx) {
  std::vector<std::string> ids;
  if (DIR* d = ::opendir(ctx.root.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_type == DT_DIR && e->d_name[0] != '.') ids.emplace_back(e->d_name);
    }
    ::closedir(d);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<Snapshot> out;
  for (const auto& id : ids) {
    auto snap = inspect(ctx, id);
    if (snap) {
      out.push_back(std::move(snap).value());
    } else {
      ctx.warn(snap.error().to_string());
    }
  }
  return out;
}

core::Result<std::vector<pid_t>> processes(const RuntimeContext& ctx, const std::string& id) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  return cgroup_pids(open.value().state.pids_dir);
}

core::Result<std::string> stats(const RuntimeContext& ctx, const std::string& id) {
  auto open = open_container(ctx, id);
  if (!open) return open.error();
  const auto& dirs = open.value().state.cgroup_dirs;
  nlohmann::json data;
  if (auto cpu = dir_with(dirs, "cpuacct.usage"); !cpu.empty()) {
    data["cpu"]["usage"]["total"] = read_number(cpu + "/cpuacct.usage");
  }
  if (auto mem = dir_with(dirs, "memory.usage_in_bytes"); !mem.empty()) {
    data["memory"]["usage"] = {{"usage", read_number(mem + "/memory.usage_in_bytes")},
                               {"max", read_number(mem + "/memory.max_usage_in_bytes")},
                               {"limit", read_number(mem + "/memory.limit_in_bytes")},
                               {"failcnt", read_number(mem + "/memory.failcnt")}};
  }
  if (auto pids = dir_with(dirs, "pids.current"); !pids.empty()) {
    data["pids"] = {{"current", read_number(pids + "/pids.current")},
                    {"limit", read_number(pids + "/pids.max")}};
  }
  nlohmann::json event = {{"type", "stats"}, {"id", id}, {"data", data}};
  return event.dump();
}

}  // namespace runtime::lifecycle
