#include "runtime/spec/config.h"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include "oci/json_reader.h"
#include "runtime/spec/names.h"

namespace runtime::spec {
namespace {

using oci::json::Need;
using oci::json::Node;
using oci::json::Reader;

constexpr std::size_t kMaxConfigBytes = 4u << 20;
constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

// Reads one config.json; keeps the first error in `r` and the warnings.
class ConfigReader {
 public:
  explicit ConfigReader(Reader& r) : r_(r) {}

  Config read(const Node& root) {
    Config c;
    known(root, {"ociVersion", "process", "root", "hostname", "domainname", "mounts", "hooks",
                 "annotations", "linux"});
    refuse(root, {"domainname", "solaris", "windows", "vm", "zos"});
    c.oci_version = r_.string(r_.field(root, "ociVersion", Need::kRequired));
    if (r_.ok() && !c.oci_version.starts_with("1.")) {
      r_.fail(member(root, "ociVersion"), "unsupported version '" + c.oci_version + "' (need 1.x)");
    }
    Node process = r_.field(root, "process");
    if (process.present()) c.process = read_process(process);
    read_root(r_.field(root, "root", Need::kRequired), c.root);
    c.hostname = r_.string(r_.field(root, "hostname"));
    for (const Node& m : r_.elements(r_.field(root, "mounts")))
      c.mounts.push_back(read_mount(m));
    read_hooks(r_.field(root, "hooks"), c.hooks);
    c.annotations = r_.string_map(r_.field(root, "annotations"));
    Node linux = r_.field(root, "linux");
    if (linux.present()) read_linux(linux, c.linux);
    if (r_.ok() && !c.hostname.empty() && !c.linux.find_namespace("uts")) {
      r_.fail(member(root, "hostname"), "setting a hostname needs a new uts namespace");
    }
    c.warnings = std::move(warnings_);
    return c;
  }

  // A process object on its own (`exec --process`).
  Process read_process_document(const Node& root) {
    if (!r_.is_object(root)) return {};
    return read_process(root);
  }

 private:
  static std::string member(const Node& n, std::string_view key) {
    return oci::json::member_path(n.path, key);
  }

  // Members not in `keys` become warnings.
  void known(const Node& object, std::initializer_list<std::string_view> keys) {
    if (!r_.is_object(object)) return;
    for (const auto& [key, value] : object.value->items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        warnings_.push_back("unknown field '" + member(object, key) + "' ignored");
      }
    }
  }

  // Spec fields this runtime cannot honour: an error when present and not empty.
  void refuse(const Node& object, std::initializer_list<std::string_view> keys) {
    if (!r_.ok() || !object.present() || !object.value->is_object()) return;
    for (std::string_view key : keys) {
      auto it = object.value->find(key);
      if (it == object.value->end() || it->is_null() || it->empty()) continue;
      r_.fail(member(object, key), "not supported by lxcri");
      return;
    }
  }

  std::uint32_t u32(const Node& n) {
    std::int64_t v = r_.int64(n, 0);
    if (v > kMaxU32) {
      r_.fail(n, "expected a 32-bit unsigned integer, found " + std::to_string(v));
      return 0;
    }
    return static_cast<std::uint32_t>(v);
  }
  std::optional<std::uint32_t> opt_u32(const Node& n) {
    if (!n.present()) return std::nullopt;
    return u32(n);
  }
  std::optional<std::int64_t> opt_i64(const Node& n, std::int64_t min) {
    if (!n.present()) return std::nullopt;
    return r_.int64(n, min);
  }
  // A uint64 the way Go writes it: the full unsigned range.
  std::uint64_t u64(const Node& n) {
    if (!n.present()) return 0;
    if (!n.value->is_number_unsigned()) {
      r_.fail_type(n, "an unsigned integer");
      return 0;
    }
    return n.value->get<std::uint64_t>();
  }

  static bool has_dot_component(const std::string& path) {
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      std::string part = path.substr(start, end - start);
      if (part == "." || part == "..") return true;
      start = end + 1;
    }
    return false;
  }

  void absolute(const Node& at, const std::string& path) {
    if (!path.starts_with('/')) r_.fail(at, "must be an absolute path, found '" + path + "'");
  }

  Process read_process(const Node& p) {
    known(p, {"terminal", "consoleSize", "args", "env", "cwd", "user", "capabilities", "rlimits",
              "noNewPrivileges", "oomScoreAdj", "apparmorProfile", "selinuxLabel", "commandLine",
              "scheduler", "ioPriority", "execCPUAffinity"});
    refuse(p, {"commandLine", "scheduler", "ioPriority", "execCPUAffinity", "selinuxLabel"});
    Process out;
    out.terminal = r_.boolean(r_.field(p, "terminal"));
    Node size = r_.field(p, "consoleSize");
    if (size.present()) {
      known(size, {"height", "width"});
      out.console_size = ConsoleSize{u32(r_.field(size, "height", Need::kRequired)),
                                     u32(r_.field(size, "width", Need::kRequired))};
    }
    Node args = r_.field(p, "args", Need::kRequired);
    out.args = r_.strings(args);
    if (r_.ok() && out.args.empty()) r_.fail(args, "must name the program to run");
    out.env = r_.strings(r_.field(p, "env"));
    for (std::size_t i = 0; i < out.env.size() && r_.ok(); ++i) {
      if (out.env[i].find('=') == std::string::npos) {
        r_.fail(oci::json::element_path(member(p, "env"), i),
                "expected NAME=VALUE, found '" + out.env[i] + "'");
      }
    }
    Node cwd = r_.field(p, "cwd", Need::kRequired);
    out.cwd = r_.string(cwd);
    if (r_.ok()) absolute(cwd, out.cwd);
    Node user = r_.field(p, "user", Need::kRequired);
    known(user, {"uid", "gid", "umask", "additionalGids", "username"});
    out.user.uid = u32(r_.field(user, "uid", Need::kRequired));
    out.user.gid = u32(r_.field(user, "gid", Need::kRequired));
    out.user.umask = opt_u32(r_.field(user, "umask"));
    for (const Node& g : r_.elements(r_.field(user, "additionalGids"))) {
      out.user.additional_gids.push_back(u32(g));
    }
    Node caps = r_.field(p, "capabilities");
    if (caps.present()) out.capabilities = read_capabilities(caps);
    std::set<int> seen;
    for (const Node& l : r_.elements(r_.field(p, "rlimits"))) {
      Rlimit rl;
      Node type = r_.field(l, "type", Need::kRequired);
      rl.type = r_.string(type);
      rl.soft = u64(r_.field(l, "soft", Need::kRequired));
      rl.hard = u64(r_.field(l, "hard", Need::kRequired));
      if (!r_.ok()) break;
      auto number = rlimit_number(rl.type);
      if (!number) {
        r_.fail(type, "unknown rlimit '" + rl.type + "'");
      } else if (!seen.insert(*number).second) {
        r_.fail(type, "rlimit '" + rl.type + "' given twice");
      } else if (rl.soft > rl.hard) {
        r_.fail(l, "soft limit " + std::to_string(rl.soft) + " is above hard limit " +
                       std::to_string(rl.hard));
      }
      rl.resource = number.value_or(0);
      out.rlimits.push_back(std::move(rl));
    }
    out.no_new_privileges = r_.boolean(r_.field(p, "noNewPrivileges"));
    Node oom = r_.field(p, "oomScoreAdj");
    if (oom.present()) {
      std::int64_t v = r_.int64(oom, -1000);
      if (v > 1000) r_.fail(oom, "must be in [-1000, 1000], found " + std::to_string(v));
      out.oom_score_adj = static_cast<int>(v);
    }
    Node apparmor = r_.field(p, "apparmorProfile");
    std::string profile = r_.string(apparmor);
    if (r_.ok() && !profile.empty() && profile != "unconfined") {
      r_.fail(apparmor, "AppArmor profile '" + profile +
                            "' cannot be applied: this host has no AppArmor (only 'unconfined')");
    }
    return out;
  }

  Capabilities read_capabilities(const Node& caps) {
    known(caps, {"bounding", "effective", "inheritable", "permitted", "ambient"});
    Capabilities out;
    auto set = [&](std::string_view key, std::uint64_t& mask) {
      Node list = r_.field(caps, key);
      std::vector<Node> items = r_.elements(list);
      for (std::size_t i = 0; i < items.size() && r_.ok(); ++i) {
        std::string name = r_.string(items[i]);
        auto number = capability_number(name);
        if (!number) {
          if (r_.ok()) r_.fail(items[i], "unknown capability '" + name + "'");
          return;
        }
        mask |= std::uint64_t{1} << *number;
      }
    };
    set("bounding", out.bounding);
    set("effective", out.effective);
    set("inheritable", out.inheritable);
    set("permitted", out.permitted);
    set("ambient", out.ambient);
    return out;
  }

  void read_root(const Node& root, Root& out) {
    known(root, {"path", "readonly"});
    out.path = r_.string(r_.field(root, "path", Need::kRequired));
    if (r_.ok() && out.path.empty()) r_.fail(member(root, "path"), "must not be empty");
    out.readonly = r_.boolean(r_.field(root, "readonly"));
  }

  Mount read_mount(const Node& m) {
    known(m, {"destination", "type", "source", "options", "uidMappings", "gidMappings"});
    refuse(m, {"uidMappings", "gidMappings"});
    Mount out;
    Node dest = r_.field(m, "destination", Need::kRequired);
    out.destination = r_.string(dest);
    if (r_.ok()) absolute(dest, out.destination);
    if (r_.ok() && has_dot_component(out.destination)) {
      r_.fail(dest, "must not contain '.' or '..' components, found '" + out.destination + "'");
    }
    out.type = r_.string(r_.field(m, "type"));
    out.source = r_.string(r_.field(m, "source"));
    out.options = r_.strings(r_.field(m, "options"));
    bool bind = std::any_of(out.options.begin(), out.options.end(),
                            [](const std::string& o) { return o == "bind" || o == "rbind"; });
    if (r_.ok() && out.type.empty() && !bind) {
      r_.fail(m, "a mount needs a type unless its options say bind or rbind");
    }
    if (r_.ok() && (bind || out.type == "bind") && out.source.empty()) {
      r_.fail(member(m, "source"), "a bind mount needs a source");
    }
    return out;
  }

  void read_hook_list(const Node& list, std::vector<Hook>& out) {
    for (const Node& h : r_.elements(list)) {
      known(h, {"path", "args", "env", "timeout"});
      Hook hook;
      Node path = r_.field(h, "path", Need::kRequired);
      hook.path = r_.string(path);
      if (r_.ok()) absolute(path, hook.path);
      hook.args = r_.strings(r_.field(h, "args"));
      hook.env = r_.strings(r_.field(h, "env"));
      Node timeout = r_.field(h, "timeout");
      if (timeout.present()) {
        std::int64_t t = r_.int64(timeout, 1);
        hook.timeout_seconds = static_cast<int>(std::min<std::int64_t>(t, 1 << 30));
      }
      out.push_back(std::move(hook));
    }
  }

  void read_hooks(const Node& hooks, Hooks& out) {
    known(hooks, {"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                  "poststop"});
    read_hook_list(r_.field(hooks, "prestart"), out.prestart);
    read_hook_list(r_.field(hooks, "createRuntime"), out.create_runtime);
    read_hook_list(r_.field(hooks, "createContainer"), out.create_container);
    read_hook_list(r_.field(hooks, "startContainer"), out.start_container);
    read_hook_list(r_.field(hooks, "poststart"), out.poststart);
    read_hook_list(r_.field(hooks, "poststop"), out.poststop);
  }

  std::vector<IdMapping> read_mappings(const Node& list) {
    std::vector<IdMapping> out;
    for (const Node& m : r_.elements(list)) {
      IdMapping map;
      map.container_id = u32(r_.field(m, "containerID", Need::kRequired));
      map.host_id = u32(r_.field(m, "hostID", Need::kRequired));
      map.size = u32(r_.field(m, "size", Need::kRequired));
      if (r_.ok() && map.size == 0) r_.fail(member(m, "size"), "must be at least 1");
      out.push_back(map);
    }
    return out;
  }

  void read_namespaces(const Node& list, Linux& out) {
    static const std::set<std::string> kTypes = {"pid", "network", "mount",  "ipc",
                                                 "uts", "user",    "cgroup", "time"};
    for (const Node& n : r_.elements(list)) {
      Namespace ns;
      Node type = r_.field(n, "type", Need::kRequired);
      ns.type = r_.string(type);
      Node path = r_.field(n, "path");
      ns.path = r_.string(path);
      if (!r_.ok()) return;
      if (!kTypes.contains(ns.type)) {
        r_.fail(type, "unknown namespace type '" + ns.type + "'");
      } else if (out.find_namespace(ns.type)) {
        r_.fail(type, "namespace '" + ns.type + "' given twice");
      } else if (!ns.path.empty()) {
        absolute(path, ns.path);
      }
      out.namespaces.push_back(std::move(ns));
    }
  }

  void read_devices(const Node& list, Linux& out) {
    for (const Node& d : r_.elements(list)) {
      Device dev;
      Node path = r_.field(d, "path", Need::kRequired);
      dev.path = r_.string(path);
      if (r_.ok()) absolute(path, dev.path);
      Node type = r_.field(d, "type", Need::kRequired);
      std::string t = r_.string(type);
      if (r_.ok() && (t.size() != 1 || std::string_view("cbup").find(t[0]) == std::string::npos)) {
        r_.fail(type, "expected one of c, b, u, p, found '" + t + "'");
      }
      dev.type = t.empty() ? 'c' : t[0];
      bool needs_numbers = dev.type != 'p';
      dev.major =
          r_.int64(r_.field(d, "major", needs_numbers ? Need::kRequired : Need::kOptional), 0);
      dev.minor =
          r_.int64(r_.field(d, "minor", needs_numbers ? Need::kRequired : Need::kOptional), 0);
      dev.file_mode = opt_u32(r_.field(d, "fileMode"));
      dev.uid = opt_u32(r_.field(d, "uid"));
      dev.gid = opt_u32(r_.field(d, "gid"));
      out.devices.push_back(std::move(dev));
    }
  }

  void read_resources(const Node& res, Resources& out) {
    known(res, {"devices", "memory", "cpu", "pids", "blockIO", "hugepageLimits", "network", "rdma",
                "unified"});
    refuse(res, {"blockIO", "hugepageLimits", "network", "rdma", "unified"});
    for (const Node& d : r_.elements(r_.field(res, "devices"))) {
      DeviceRule rule;
      rule.allow = r_.boolean(r_.field(d, "allow", Need::kRequired));
      Node type = r_.field(d, "type");
      std::string t = r_.string(type);
      if (r_.ok() && !t.empty() && t != "a" && t != "c" && t != "b") {
        r_.fail(type, "expected a, c or b, found '" + t + "'");
      }
      rule.type = t.empty() ? 'a' : t[0];
      rule.major = opt_i64(r_.field(d, "major"), -1);
      rule.minor = opt_i64(r_.field(d, "minor"), -1);
      if (rule.major == -1) rule.major.reset();
      if (rule.minor == -1) rule.minor.reset();
      Node access = r_.field(d, "access");
      rule.access = r_.string(access);
      if (r_.ok() && rule.access.find_first_not_of("rwm") != std::string::npos) {
        r_.fail(access, "expected letters of 'rwm', found '" + rule.access + "'");
      }
      out.devices.push_back(std::move(rule));
    }
    Node memory = r_.field(res, "memory");
    known(memory, {"limit", "reservation", "swap", "kernel", "kernelTCP", "swappiness",
                   "disableOOMKiller", "useHierarchy", "checkBeforeUpdate"});

    out.memory_limit = opt_i64(r_.field(memory, "limit"), -1);
    out.memory_reservation = opt_i64(r_.field(memory, "reservation"), -1);
    out.memory_swap = opt_i64(r_.field(memory, "swap"), -1);
    out.memory_kernel = opt_i64(r_.field(memory, "kernel"), -1);
    out.memory_kernel_tcp = opt_i64(r_.field(memory, "kernelTCP"), -1);
    Node swappiness = r_.field(memory, "swappiness");
    if (swappiness.present()) {
      out.memory_swappiness = u64(swappiness);
      if (r_.ok() && *out.memory_swappiness > 100) {
        r_.fail(swappiness, "must be in [0, 100], found " + std::to_string(*out.memory_swappiness));
      }
    }
    out.disable_oom_killer = r_.boolean(r_.field(memory, "disableOOMKiller"));
    Node cpu = r_.field(res, "cpu");
    known(cpu, {"shares", "quota", "period", "realtimeRuntime", "realtimePeriod", "cpus", "mems",
                "idle", "burst"});
    refuse(cpu, {"realtimeRuntime", "realtimePeriod", "idle", "burst"});
    Node shares = r_.field(cpu, "shares");
    if (shares.present()) out.cpu_shares = u64(shares);
    out.cpu_quota = opt_i64(r_.field(cpu, "quota"), -1);
    Node period = r_.field(cpu, "period");
    if (period.present()) out.cpu_period = u64(period);
    out.cpuset_cpus = r_.string(r_.field(cpu, "cpus"));
    out.cpuset_mems = r_.string(r_.field(cpu, "mems"));
    Node pids = r_.field(res, "pids");
    if (pids.present()) {
      out.pids_limit = r_.int64(r_.field(pids, "limit", Need::kRequired), -1);
    }
  }

  Seccomp read_seccomp(const Node& s) {
    known(s, {"defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath",
              "listenerMetadata", "syscalls"});
    refuse(s, {"listenerPath", "listenerMetadata"});
    Seccomp out;
    out.default_action = r_.string(r_.field(s, "defaultAction", Need::kRequired));
    out.default_errno_ret = opt_u32(r_.field(s, "defaultErrnoRet"));
    out.architectures = r_.strings(r_.field(s, "architectures"));
    out.flags = r_.strings(r_.field(s, "flags"));
    for (const Node& sc : r_.elements(r_.field(s, "syscalls"))) {
      SeccompRule rule;
      Node names = r_.field(sc, "names", Need::kRequired);
      rule.names = r_.strings(names);
      if (r_.ok() && rule.names.empty()) r_.fail(names, "must name at least one syscall");
      rule.action = r_.string(r_.field(sc, "action", Need::kRequired));
      rule.errno_ret = opt_u32(r_.field(sc, "errnoRet"));
      for (const Node& a : r_.elements(r_.field(sc, "args"))) {
        SeccompArg arg;
        arg.index = u32(r_.field(a, "index", Need::kRequired));
        arg.value = u64(r_.field(a, "value", Need::kRequired));
        arg.value_two = u64(r_.field(a, "valueTwo"));
        arg.op = r_.string(r_.field(a, "op", Need::kRequired));
        rule.args.push_back(std::move(arg));
      }
      out.syscalls.push_back(std::move(rule));
    }
    return out;
  }

  // The runtime creates and removes this directory: it must stay below the
  // hierarchy's root, and systemd's "slice:prefix:name" needs a systemd
  // manager, which lxcri does not drive.
  void check_cgroups_path(const Node& at, const std::string& path) {
    if (!r_.ok() || path.empty()) return;
    if (path.find(':') != std::string::npos) {
      r_.fail(at,
              "systemd cgroup paths (slice:prefix:name) are not supported: give a cgroupfs path");
      return;
    }
    std::string rest = path.starts_with('/') ? path.substr(1) : path;
    std::size_t start = 0;
    while (start <= rest.size()) {
      std::size_t end = rest.find('/', start);
      if (end == std::string::npos) end = rest.size();
      std::string part = rest.substr(start, end - start);
      if (part.empty() || part == "." || part == "..") {
        r_.fail(at, "'" + path + "' must be a plain path (no empty, '.' or '..' components)");
        return;
      }
      start = end + 1;
    }
  }

  void read_linux(const Node& l, Linux& out) {
    known(l, {"namespaces", "uidMappings", "gidMappings", "timeOffsets", "devices", "cgroupsPath",
              "resources", "rootfsPropagation", "seccomp", "sysctl", "maskedPaths", "readonlyPaths",
              "mountLabel", "intelRdt", "personality", "memoryPolicy", "netDevices"});
    refuse(l,
           {"timeOffsets", "intelRdt", "personality", "memoryPolicy", "netDevices", "mountLabel"});
    read_namespaces(r_.field(l, "namespaces"), out);
    out.uid_mappings = read_mappings(r_.field(l, "uidMappings"));
    out.gid_mappings = read_mappings(r_.field(l, "gidMappings"));
    if (r_.ok() && !(out.uid_mappings.empty() && out.gid_mappings.empty()) &&
        !out.find_namespace("user")) {
      r_.fail(member(l, "uidMappings"), "id mappings need a new user namespace");
    }
    read_devices(r_.field(l, "devices"), out);
    Node cgroups_path = r_.field(l, "cgroupsPath");
    out.cgroups_path = r_.string(cgroups_path);
    check_cgroups_path(cgroups_path, out.cgroups_path);
    Node res = r_.field(l, "resources");
    if (res.present()) read_resources(res, out.resources);
    Node prop = r_.field(l, "rootfsPropagation");
    out.rootfs_propagation = r_.string(prop);
    static const std::set<std::string> kPropagation = {"",        "private",    "rprivate",
                                                       "slave",   "rslave",     "shared",
                                                       "rshared", "unbindable", "runbindable"};
    if (r_.ok() && !kPropagation.contains(out.rootfs_propagation)) {
      r_.fail(prop, "unknown propagation '" + out.rootfs_propagation + "'");
    }
    Node seccomp = r_.field(l, "seccomp");
    if (seccomp.present()) out.seccomp = read_seccomp(seccomp);
    out.sysctl = r_.string_map(r_.field(l, "sysctl"));
    out.masked_paths = r_.strings(r_.field(l, "maskedPaths"));
    out.readonly_paths = r_.strings(r_.field(l, "readonlyPaths"));
  }

  Reader& r_;
  std::vector<std::string> warnings_;
};

}  // namespace

const Namespace* Linux::find_namespace(std::string_view type) const {
  for (const Namespace& ns : namespaces) {
    if (ns.type == type) return &ns;
  }
  return nullptr;
}

namespace {

// Parses `bytes` as JSON and reads it with `read` (a ConfigReader member);
// every error names `file`.
template <typename T>
core::Result<T> parse_document(std::string_view bytes, const std::string& file,
                               T (ConfigReader::*read)(const Node&)) {
  auto doc = oci::json::parse(bytes);
  if (!doc) {
    core::Error e = doc.error();
    e.with_file(file);
    return e;
  }
  Reader r;
  Node root = r.root(doc.value());
  T out = (ConfigReader(r).*read)(root);
  if (!r.ok()) {
    core::Error e = r.error();
    e.with_file(file);
    return e;
  }
  return out;
}

}  // namespace

core::Result<Config> parse_config(std::string_view bytes, const std::string& file) {
  return parse_document(bytes, file, &ConfigReader::read);
}

core::Result<Process> parse_process(std::string_view bytes, const std::string& file) {
  return parse_document(bytes, file, &ConfigReader::read_process_document);
}

core::Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Error(core::ErrorCode::kNotFound, "cannot read the bundle's config")
        .with_file(path);
  }
  std::string bytes;
  bytes.resize(kMaxConfigBytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > kMaxConfigBytes) {
    return core::Error(core::ErrorCode::kInvalidArgument, "config is larger than 4 MiB")
        .with_file(path);
  }
  return parse_config(bytes, path);
}

}  // namespace runtime::spec
