#include "runtime/lxc/lxc_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <limits>
#include <map>

#include "runtime/lxc/mount_target.h"
#include "runtime/lxc/namespace_holder.h"

namespace runtime::lxc {
namespace {

using core::Error;
using core::ErrorCode;

// OCI namespace type -> the /proc/PID/ns name liblxc uses.
const std::map<std::string, std::string> kNamespaceNames = {
    {"pid", "pid"}, {"network", "net"}, {"mount", "mnt"},     {"ipc", "ipc"},
    {"uts", "uts"}, {"user", "user"},   {"cgroup", "cgroup"}, {"time", "time"}};

// liblxc reads mount entries like fstab: whitespace and backslashes in a
// field are written as octal escapes.
std::string fstab_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

bool has_option(const std::vector<std::string>& options, std::string_view name) {
  return std::find(options.begin(), options.end(), name) != options.end();
}

std::string rlimit_value(std::uint64_t v) {
  return v == std::numeric_limits<std::uint64_t>::max() ? "unlimited" : std::to_string(v);
}

class Builder {
 public:
  Builder(const spec::Config& c, const HostPaths& p) : c_(c), p_(p) {}

  core::Result<ConfigItems> build() {
    base();
    if (auto s = rootfs(); !s) return s.error();
    if (auto s = namespaces(); !s) return s.error();
    idmaps();
    if (!c_.hostname.empty()) add("lxc.uts.name", c_.hostname);
    if (auto s = mounts(); !s) return s.error();
    init();
    if (auto s = cgroups(); !s) return s.error();
    for (const auto& [key, value] : c_.linux.sysctl)
      add("lxc.sysctl." + key, value);
    process_limits();
    if (!c_.hooks.prestart.empty() || !c_.hooks.create_runtime.empty()) {
      add("lxc.hook.version", "0");
      add("lxc.hook.start-host", p_.hook_command);
    }
    return std::move(items_);
  }

 private:
  void add(std::string key, std::string value) {
    items_.emplace_back(std::move(key), std::move(value));
  }

  void base() {
    add("lxc.log.file", p_.log_file);
    add("lxc.log.level", p_.debug ? "DEBUG" : "ERROR");
    add("lxc.apparmor.profile", "unconfined");
    add("lxc.console.path", "none");
    add("lxc.tty.max", "0");
    add("lxc.pty.max", "0");
    add("lxc.hook.mount", "");
    add("lxc.hook.post-stop", "");
    add("lxc.monitor.signal.pdeath", "0");
    add("lxc.ephemeral", "0");
  }

  core::Status rootfs() {
    std::string path = c_.root.path;
    if (!path.starts_with('/')) path = p_.bundle + "/" + path;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Error(ErrorCode::kNotFound, "root filesystem '" + path + "' is not a directory")
          .with_field("root.path");
    }
    // liblxc opens the rootfs without following a symlink; the bundle's
    // "rootfs" may well be one.
    char real[PATH_MAX];
    if (::realpath(path.c_str(), real) != nullptr) path = real;
    rootfs_ = path;
    add("lxc.rootfs.path", "dir:" + path);
    add("lxc.rootfs.managed", "0");
    std::vector<std::string> options;
    if (!c_.linux.rootfs_propagation.empty()) options.push_back(c_.linux.rootfs_propagation);
    // root.readonly is the init helper's last step (init_plan.h).
    add("lxc.rootfs.options", join(options, ","));
    return {};
  }

  core::Status namespaces() {
    if (!c_.linux.find_namespace("mount")) {
      return Error(ErrorCode::kInvalidArgument, "a mount namespace is required")
          .with_field("linux.namespaces");
    }
    // An explicit clone list makes liblxc keep every namespace not in it (it
    // refuses lxc.namespace.keep next to it).
    std::vector<std::string> clone;
    for (const auto& [oci, lxc] : kNamespaceNames) {
      const spec::Namespace* ns = c_.linux.find_namespace(oci);
      if (!ns) {
        continue;
      } else if (ns->path.empty()) {
        clone.push_back(lxc);
      } else {
        auto holder = namespace_holder(lxc, ns->path);
        if (!holder) {
          core::Error e = holder.error();
          return e.with_field("linux.namespaces");
        }
        std::string pid = std::to_string(holder.value());
        add("lxc.namespace.share." + lxc, pid);
      }
    }
    add("lxc.namespace.clone", join(clone, " "));
    return {};
  }

  void idmaps() {
    for (const auto& m : c_.linux.uid_mappings) {
      add("lxc.idmap", "u " + std::to_string(m.container_id) + " " + std::to_string(m.host_id) +
                           " " + std::to_string(m.size));
    }
    for (const auto& m : c_.linux.gid_mappings) {
      add("lxc.idmap", "g " + std::to_string(m.container_id) + " " + std::to_string(m.host_id) +
                           " " + std::to_string(m.size));
    }
  }

  // Where the config's mounts go. /dev is mounted from the config like any
  // other mount (a tmpfs is added first when the config has none: the spec's
  // default devices need a place), and the init helper fills it with the
  // default devices. Mount points directly in the rootfs are made by us,
  // resolved inside the root (mount_target.h); those below an earlier mount
  // (a fresh tmpfs, a bind) are left to liblxc's create=.
  core::Status mounts() {
    add("lxc.autodev", "0");
    std::vector<spec::Mount> list = c_.mounts;
    bool has_dev = std::any_of(list.begin(), list.end(),
                               [](const spec::Mount& m) { return m.destination == "/dev"; });
    if (!has_dev) {
      list.insert(
          list.begin(),
          spec::Mount{
              "/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}});
    }
    std::vector<std::string> mounted;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const spec::Mount& m = list[i];
      std::string field = has_dev || i > 0 ? "mounts[" + std::to_string(has_dev ? i : i - 1) + "]"
                                           : std::string("mounts (the /dev tmpfs lxcri adds)");
      if (m.type == "cgroup" || m.type == "cgroup2") {
        add("lxc.mount.auto", has_option(m.options, "ro") ? "cgroup:ro" : "cgroup:rw");
        continue;
      }
      bool bind =
          m.type == "bind" || has_option(m.options, "bind") || has_option(m.options, "rbind");
      std::string source = m.source;
      std::vector<std::string> options = m.options;
      bool file = false;
      if (bind) {
        if (!source.starts_with('/')) source = p_.bundle + "/" + source;
        struct stat st;
        if (::stat(source.c_str(), &st) != 0) {
          return Error(ErrorCode::kNotFound, "bind mount source '" + source + "' does not exist")
              .with_field(field + ".source");
        }
        file = !S_ISDIR(st.st_mode);
        if (!has_option(options, "bind") && !has_option(options, "rbind"))
          options.push_back("bind");
      }
      if (source.empty()) source = m.type;
      bool below_mount = std::any_of(mounted.begin(), mounted.end(), [&](const std::string& d) {
        return m.destination.starts_with(d + "/");
      });
      std::string dest;
      if (below_mount) {
        dest = m.destination.substr(1);
        options.push_back(file ? "create=file" : "create=dir");
      } else {
        auto target = prepare_mount_target(rootfs_, m.destination, file);
        if (!target) {
          core::Error e = target.error();
          return e.with_field(field + ".destination");
        }
        dest = target.value();
      }
      mounted.push_back(m.destination);
      std::string opts = options.empty() ? "defaults" : join(options, ",");
      add("lxc.mount.entry", fstab_escape(source) + " " + fstab_escape(dest) + " " +
                                 (bind ? "none" : m.type) + " " + opts + " 0 0");
      if (m.destination == "/dev/pts" && m.type == "devpts") {
        // liblxc 5 unmounts whatever is on /dev/pts once when no ptys are
        // asked for (lxc_finish_devpts_child, lxc.pty.max = 0): a second,
        // identical instance on top is what it takes away, and the config's
        // own stays where the config put it.
        add("lxc.mount.entry",
            fstab_escape(source) + " " + fstab_escape(dest) + " devpts " + opts + " 0 0");
      }
      if (m.destination == "/dev") default_devices();
    }
    return {};
  }

  // The devices the spec says every container has, bound from the host (which
  // works in a user namespace too, where mknod does not); the init helper adds
  // the standard symlinks (/dev/fd, /dev/ptmx, ...).
  void default_devices() {
    for (const char* dev : {"null", "zero", "full", "random", "urandom", "tty"}) {
      add("lxc.mount.entry",
          std::string("/dev/") + dev + " dev/" + dev + " none bind,create=file 0 0");
    }
  }

  void init() {
    std::string dir = std::string(kInitDirInContainer).substr(1);
    add("lxc.mount.entry",
        fstab_escape(p_.init_dir) + " " + dir + " none bind,ro,nosuid,nodev,create=dir 0 0");
    add("lxc.mount.entry",
        fstab_escape(p_.init_binary) + " " + dir + "/init none bind,ro,nosuid,nodev 0 0");
    add("lxc.init.cmd", std::string(kInitDirInContainer) + "/init");
    add("lxc.init.cwd", "/");
  }

  static std::string device_number(const std::optional<std::int64_t>& n) {
    return n ? std::to_string(*n) : "*";
  }

  core::Status cgroups() {
    add("lxc.cgroup.dir.container", p_.cgroup_container);
    add("lxc.cgroup.dir.monitor", p_.cgroup_monitor);
    const spec::Resources& r = c_.linux.resources;
    if (r.memory_limit && *r.memory_limit > 0) {
      add("lxc.cgroup.memory.limit_in_bytes", std::to_string(*r.memory_limit));
    }
    if (r.memory_reservation && *r.memory_reservation > 0) {
      add("lxc.cgroup.memory.soft_limit_in_bytes", std::to_string(*r.memory_reservation));
    }
    if (r.memory_swap && *r.memory_swap > 0) {
      if (::access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) != 0) {
        return Error(ErrorCode::kInvalidArgument,
                     "a swap limit needs swap accounting, which this kernel does not have")
            .with_field("linux.resources.memory.swap");
      }
      add("lxc.cgroup.memory.memsw.limit_in_bytes", std::to_string(*r.memory_swap));
    }
    if (r.memory_kernel && *r.memory_kernel > 0) {
      add("lxc.cgroup.memory.kmem.limit_in_bytes", std::to_string(*r.memory_kernel));
    }
    if (r.memory_kernel_tcp && *r.memory_kernel_tcp > 0) {
      add("lxc.cgroup.memory.kmem.tcp.limit_in_bytes", std::to_string(*r.memory_kernel_tcp));
    }
    if (r.memory_swappiness)
      add("lxc.cgroup.memory.swappiness", std::to_string(*r.memory_swappiness));
    if (r.disable_oom_killer) add("lxc.cgroup.memory.oom_control", "1");
    if (r.cpu_shares && *r.cpu_shares > 0)
      add("lxc.cgroup.cpu.shares", std::to_string(*r.cpu_shares));
    if (r.cpu_period && *r.cpu_period > 0) {
      add("lxc.cgroup.cpu.cfs_period_us", std::to_string(*r.cpu_period));
    }
    if (r.cpu_quota && *r.cpu_quota != 0)
      add("lxc.cgroup.cpu.cfs_quota_us", std::to_string(*r.cpu_quota));
    if (!r.cpuset_cpus.empty()) add("lxc.cgroup.cpuset.cpus", r.cpuset_cpus);
    if (!r.cpuset_mems.empty()) add("lxc.cgroup.cpuset.mems", r.cpuset_mems);
    if (r.pids_limit) {
      add("lxc.cgroup.pids.max", *r.pids_limit > 0 ? std::to_string(*r.pids_limit) : "max");
    }
    devices();
    return {};
  }

  void devices() {
    const auto& rules = c_.linux.resources.devices;
    for (const spec::DeviceRule& d : rules) {
      std::string access = d.access.empty() ? "rwm" : d.access;
      std::string value = d.type == 'a' && !d.major && !d.minor
                              ? "a"
                              : std::string(1, d.type) + " " + device_number(d.major) + ":" +
                                    device_number(d.minor) + " " + access;
      add(d.allow ? "lxc.cgroup.devices.allow" : "lxc.cgroup.devices.deny", value);
    }
    if (rules.empty()) return;
    // What runc allows on top of the config's rules: the default devices the
    // spec requires, /dev/pts/*, and every device the config asks to create.
    for (const char* rule : {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
                             "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"}) {
      add("lxc.cgroup.devices.allow", rule);
    }
    for (const spec::Device& d : c_.linux.devices) {
      if (d.type == 'p') continue;
      char type = d.type == 'u' ? 'c' : d.type;
      add("lxc.cgroup.devices.allow", std::string(1, type) + " " + std::to_string(d.major) + ":" +
                                          std::to_string(d.minor) + " rwm");
    }
  }

  void process_limits() {
    if (!c_.process) return;
    for (const spec::Rlimit& l : c_.process->rlimits) {
      std::string name = l.type.substr(7);  // after "RLIMIT_"
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      add("lxc.prlimit." + name, rlimit_value(l.soft) + ":" + rlimit_value(l.hard));
    }
    if (c_.process->oom_score_adj) {
      add("lxc.proc.oom_score_adj", std::to_string(*c_.process->oom_score_adj));
    }
  }

  const spec::Config& c_;
  const HostPaths& p_;
  std::string rootfs_;
  ConfigItems items_;
};

}  // namespace

core::Result<ConfigItems> lxc_config(const spec::Config& config, const HostPaths& paths) {
  return Builder(config, paths).build();
}

std::string cgroup_dir(const spec::Config& config, const std::string& id) {
  std::string dir = config.linux.cgroups_path;
  while (dir.starts_with('/'))
    dir.erase(0, 1);
  return dir.empty() ? "lxcri/" + id : dir;
}

}  // namespace runtime::lxc
