#include "runtime/lifecycle/cgroups.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace runtime::lifecycle {
namespace {

using core::Error;
using core::ErrorCode;

struct Hierarchy {
  std::string mount_point;
  std::vector<std::string> controllers;  // v1: "memory", "name=systemd"; v2: empty
};

std::vector<Hierarchy> read_hierarchies() {
  std::vector<Hierarchy> out;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    // ... mountpoint ... - fstype source superoptions
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream head(line.substr(0, dash)), tail(line.substr(dash + 3));
    std::string id, parent, devnum, root, mount_point, fstype, source, options;
    head >> id >> parent >> devnum >> root >> mount_point;
    tail >> fstype >> source >> options;
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    Hierarchy h{mount_point, {}};
    if (fstype == "cgroup") {
      std::istringstream opts(options);
      for (std::string o; std::getline(opts, o, ',');) {
        if (o != "rw" && o != "ro" && o.find("clone_children") == std::string::npos &&
            o.find("noprefix") == std::string::npos &&
            o.find("release_agent") == std::string::npos && o.find("xattr") == std::string::npos) {
          h.controllers.push_back(o);
        }
      }
    }
    out.push_back(std::move(h));
  }
  return out;
}

// Read once per process: a command's cgroup mounts do not change while it
// runs, and a create would otherwise parse mountinfo half a dozen times.
const std::vector<Hierarchy>& hierarchies() {
  static const std::vector<Hierarchy> cached = read_hierarchies();
  return cached;
}

std::string read_first_word(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  in >> s;
  return s;
}

}  // namespace

std::string monitor_cgroup(const std::string& id) {
  return "lxcri.monitor/" + id;
}

void remove_monitor_cgroups(const std::string& id) {
  for (const auto& h : hierarchies()) {
    std::string dir = h.mount_point + "/" + monitor_cgroup(id);
    // Usually absent, or empty once the monitor is reaped: one rmdir.
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) continue;
    // A monitor killed while running a start-host hook leaves the hook here.
    for (pid_t pid : cgroup_pids(dir))
      ::kill(pid, SIGKILL);
    (void)remove_cgroup(dir, 2000);
  }
}

core::Status prepare_cpuset_parents(const std::string& relative_dir) {
  std::string mount_point;
  for (const auto& h : hierarchies()) {
    for (const auto& c : h.controllers) {
      if (c == "cpuset") mount_point = h.mount_point;
    }
  }
  if (mount_point.empty()) return {};
  std::string dir = mount_point;
  std::size_t start = 0;
  for (std::size_t slash; (slash = relative_dir.find('/', start)) != std::string::npos;
       start = slash + 1) {
    std::string parent = dir;
    dir += "/" + relative_dir.substr(start, slash - start);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return Error(ErrorCode::kInternal,
                   std::string("cannot make cpuset cgroup: ") + std::strerror(errno))
          .with_file(dir);
    }
    for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
      if (!read_first_word(dir + "/" + file).empty()) continue;
      std::ofstream out(dir + "/" + file);
      out << read_first_word(parent + "/" + file);
      if (!out.flush()) {
        return Error(ErrorCode::kInternal,
                     std::string("cannot fill ") + file + ": " + std::strerror(errno))
            .with_file(dir);
      }
    }
    // So that the leaf liblxc makes below gets cpus and mems too.
    std::ofstream(dir + "/cgroup.clone_children") << "1";
  }
  return {};
}

std::vector<std::string> cgroup_mount_points() {
  std::vector<std::string> out;
  for (const auto& h : hierarchies())
    out.push_back(h.mount_point);
  return out;
}

core::Result<CgroupDirs> cgroups_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  if (!in) return Error(ErrorCode::kNotFound, "process " + std::to_string(pid) + " is gone");
  const std::vector<Hierarchy>& hs = hierarchies();
  CgroupDirs out;
  for (std::string line; std::getline(in, line);) {
    auto first = line.find(':');
    auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (path == "/" || path.empty()) continue;
    for (const auto& h : hs) {
      bool match = false;
      if (controllers.empty()) {
        match = h.controllers.empty();
      } else {
        std::istringstream cs(controllers);
        std::string first_controller;
        std::getline(cs, first_controller, ',');
        for (const auto& c : h.controllers)
          match = match || c == first_controller;
      }
      if (!match) continue;
      std::string dir = h.mount_point + path;
      out.dirs.push_back(dir);
      if (controllers.find("freezer") != std::string::npos) out.freezer = dir;
      if (controllers.find("pids") != std::string::npos ||
          (out.pids_source.empty() && controllers.find("memory") != std::string::npos)) {
        out.pids_source = dir;
      }
      break;
    }
  }
  if (out.pids_source.empty() && !out.dirs.empty()) out.pids_source = out.dirs.front();
  return out;
}

std::vector<pid_t> cgroup_pids(const std::string& dir) {
  std::vector<pid_t> pids;
  if (dir.empty()) return pids;
  std::ifstream in(dir + "/cgroup.procs");
  for (pid_t p; in >> p;)
    pids.push_back(p);
  return pids;
}

core::Status remove_cgroup(const std::string& dir, int timeout_ms) {
  if (DIR* d = ::opendir(dir.c_str())) {
    std::vector<std::string> children;
    while (dirent* e = ::readdir(d)) {
      if (e->d_type == DT_DIR && std::strcmp(e->d_name, ".") != 0 &&
          std::strcmp(e->d_name, "..") != 0) {
        children.push_back(dir + "/" + e->d_name);
      }
    }
    ::closedir(d);
    for (const auto& child : children) {
      if (auto s = remove_cgroup(child, timeout_ms); !s) return s;
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY || std::chrono::steady_clock::now() > deadline) {
      return Error(ErrorCode::kInternal,
                   std::string("cannot remove cgroup: ") + std::strerror(errno))
          .with_file(dir);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

core::Status set_frozen(const std::string& freezer_dir, bool frozen) {
  if (freezer_dir.empty()) {
    return Error(ErrorCode::kFailedPrecondition, "the container has no freezer cgroup");
  }
  std::string file = freezer_dir + "/freezer.state";
  const char* want = frozen ? "FROZEN" : "THAWED";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    {
      std::ofstream out(file);
      out << want;
      if (!out.flush()) {
        return Error(ErrorCode::kInternal,
                     std::string("cannot write freezer state: ") + std::strerror(errno))
            .with_file(file);
      }
    }
    if (read_first_word(file) == want) return {};
    if (std::chrono::steady_clock::now() > deadline) {
      return Error(ErrorCode::kTimeout, std::string("cgroup did not become ") + want)
          .with_file(file);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace runtime::lifecycle
