// The runtime commands that only read or print: state, list, ps, events,
// spec, features.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>

#include "runtime/lifecycle/operations.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/names.h"
#include "runtime_actions.h"

namespace lxcri {
namespace {

namespace lc = runtime::lifecycle;
using runtime::state::Status;

std::string command_line(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : s) {
    if (c == '\0') c = ' ';
  }
  while (!s.empty() && s.back() == ' ')
    s.pop_back();
  return s;
}

}  // namespace

int print_state(const RuntimeOptions& o, RuntimeLog& log) {
  auto snap = lc::inspect(runtime_context(o, log), o.id);
  if (!snap) return log.fail(snap.error());
  std::printf("%s\n",
              runtime::state::oci_state_json(snap.value().state, snap.value().status).c_str());
  return 0;
}

int list_containers(const RuntimeOptions& o, RuntimeLog& log) {
  auto all = lc::list(runtime_context(o, log));
  if (o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : all) {
      bool stopped = s.status == Status::kStopped;
      out.push_back({{"ociVersion", s.state.oci_version},
                     {"id", s.state.id},
                     {"pid", stopped ? 0 : s.state.pid},
                     {"status", runtime::state::status_name(s.status)},
                     {"bundle", s.state.bundle},
                     {"rootfs", s.state.bundle + "/rootfs"},
                     {"created", s.state.created},
                     {"owner", "root"},
                     {"annotations", s.state.annotations}});
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  if (o.format != "table") {
    log.error("--format must be table or json");
    return 1;
  }
  if (!o.quiet)
    std::printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
  for (const auto& s : all) {
    if (o.quiet) {
      std::printf("%s\n", s.state.id.c_str());
      continue;
    }
    bool stopped = s.status == Status::kStopped;
    std::printf("%-20s %-8d %-10s %-40s %s\n", s.state.id.c_str(), stopped ? 0 : s.state.pid,
                runtime::state::status_name(s.status), s.state.bundle.c_str(),
                s.state.created.c_str());
  }
  return 0;
}

int list_processes(const RuntimeOptions& o, RuntimeLog& log) {
  auto pids = lc::processes(runtime_context(o, log), o.id);
  if (!pids) return log.fail(pids.error());
  if (o.format == "json") {
    std::printf("%s\n", nlohmann::json(pids.value()).dump().c_str());
    return 0;
  }
  std::printf("%-8s %s\n", "PID", "CMD");
  for (pid_t pid : pids.value())
    std::printf("%-8d %s\n", pid, command_line(pid).c_str());
  return 0;
}

int print_events(const RuntimeOptions& o, RuntimeLog& log) {
  auto ctx = runtime_context(o, log);
  for (;;) {
    auto stats = lc::stats(ctx, o.id);
    if (!stats) return log.fail(stats.error());
    std::printf("%s\n", stats.value().c_str());
    std::fflush(stdout);
    if (o.stats) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(std::max(1, o.interval_seconds)));
    auto snap = lc::inspect(ctx, o.id);
    if (!snap || snap.value().status == Status::kStopped) return 0;
  }
}

int write_spec(const RuntimeOptions& o, RuntimeLog& log) {
  std::string path = o.bundle + "/config.json";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    log.error(path + (errno == EEXIST ? " already exists" : ": cannot create"));
    return 1;
  }
  std::string text = runtime::spec::default_spec({o.rootless}).dump(2) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) {
    log.error("cannot write " + path);
    return 1;
  }
  return 0;
}

int print_features(const RuntimeOptions&, RuntimeLog&) {
  nlohmann::json f = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.2.0"},
      {"hooks",
       {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}},
      {"mountOptions", {"async",         "atime",      "bind",     "defaults",  "dev",
                        "diratime",      "dirsync",    "exec",     "mand",      "noatime",
                        "nodev",         "nodiratime", "noexec",   "nomand",    "norelatime",
                        "nostrictatime", "nosuid",     "private",  "rbind",     "relatime",
                        "remount",       "ro",         "rprivate", "rshared",   "rslave",
                        "runbindable",   "rw",         "shared",   "silent",    "slave",
                        "strictatime",   "suid",       "sync",     "unbindable"}},
      {"linux",
       {{"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "user", "uts"}},
        {"capabilities", runtime::spec::capability_names()},
        {"cgroup", {{"v1", true}, {"v2", false}, {"systemd", false}, {"systemdUser", false}}},
        {"seccomp",
         {{"enabled", true},
          {"actions",
           {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
            "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"}},
          {"operators",
           {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
            "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"}},
          {"archs",
           {"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
            "SCMP_ARCH_ARM"}}}},
        {"apparmor", {{"enabled", false}}},
        {"selinux", {{"enabled", false}}}}},
      {"annotations", {{"org.lxcri.runtime", "liblxc"}}}};
  std::printf("%s\n", f.dump(2).c_str());
  return 0;
}

}  // namespace lxcri
