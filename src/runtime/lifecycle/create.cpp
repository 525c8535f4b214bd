// create: bundle -> validated config -> container dir with the init helper's
// files -> liblxc start up to the helper waiting for `start` -> state record.
// Any failure undoes everything: the init is killed, its cgroups and the
// container dir removed.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "oci/store/posix_file.h"
#include "runtime/lifecycle/cgroups.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/lifecycle/process_launch.h"
#include "runtime/lxc/container_start.h"
#include "runtime/lxc/init_plan.h"
#include "runtime/lxc/lxc_config.h"
#include "runtime/lxc/seccomp_filter.h"
#include "runtime/state/process_probe.h"

namespace runtime::lifecycle {
namespace {

using core::Error;
using core::ErrorCode;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string now_rfc3339() {
  char buf[64];
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  ::gmtime_r(&ts.tv_sec, &t);
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  std::snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
  return buf;
}

std::vector<lxc::PlanHook> plan_hooks(const std::vector<spec::Hook>& hooks) {
  std::vector<lxc::PlanHook> out;
  for (const auto& h : hooks)
    out.push_back({h.path, h.args, h.env, h.timeout_seconds.value_or(0)});
  return out;
}

lxc::InitPlan make_plan(const spec::Config& c, bool seccomp) {
  lxc::InitPlan plan = process_plan(*c.process, seccomp);
  for (const spec::Device& d : c.linux.devices) {
    plan.devices.push_back({d.path, d.type == 'u' ? 'c' : d.type,
                            static_cast<std::uint64_t>(d.major),
                            static_cast<std::uint64_t>(d.minor), d.file_mode.value_or(0666),
                            d.uid.value_or(0), d.gid.value_or(0)});
  }
  plan.masked_paths = c.linux.masked_paths;
  plan.readonly_paths = c.linux.readonly_paths;
  plan.readonly_root = c.root.readonly;
  plan.rootfs_propagation = c.linux.rootfs_propagation;
  plan.create_container_hooks = plan_hooks(c.hooks.create_container);
  plan.start_container_hooks = plan_hooks(c.hooks.start_container);
  return plan;
}

// The host uid/gid of the container's root when it has a user namespace.
std::optional<std::pair<uid_t, gid_t>> mapped_root(const spec::Config& c) {
  if (!c.linux.find_namespace("user")) return std::nullopt;
  std::pair<uid_t, gid_t> ids{0, 0};
  for (const auto& m : c.linux.uid_mappings) {
    if (m.container_id == 0) ids.first = m.host_id;
  }
  for (const auto& m : c.linux.gid_mappings) {
    if (m.container_id == 0) ids.second = m.host_id;
  }
  return ids;
}

// Undoes a create that failed after its directory was made.
class CreateRollback {
 public:
  CreateRollback(state::ContainerDir& dir, std::string cgroup_container, std::string id)
      : dir_(dir), cgroup_container_(std::move(cgroup_container)), id_(std::move(id)) {}
  ~CreateRollback() {
    if (done_) return;
    if (init_pid_ > 0) ::kill(init_pid_, SIGKILL);
    // A cgroup that was there before this create is someone else's.
    if (!cgroup_existed_) {
      for (const auto& mp : cgroup_mount_points())
        (void)remove_cgroup(mp + "/" + cgroup_container_, 2000);
    }
    remove_monitor_cgroups(id_);
    (void)dir_.remove();
  }
  void set_init(pid_t pid) { init_pid_ = pid; }
  void set_cgroup_existed(bool existed) { cgroup_existed_ = existed; }
  void commit() { done_ = true; }

 private:
  state::ContainerDir& dir_;
  std::string cgroup_container_;
  std::string id_;
  pid_t init_pid_ = 0;
  bool cgroup_existed_ = false;
  bool done_ = false;
};

core::Result<std::string> read_bundle_config(const std::string& path) {
  auto fd = oci::store::open_file(path, O_RDONLY);
  if (!fd) {
    return Error(ErrorCode::kNotFound, "the bundle has no readable config.json").with_file(path);
  }
  auto bytes = oci::store::read_up_to(fd.value().get(), 4u << 20, path);
  if (bytes && bytes.value().size() > (4u << 20)) {
    return Error(ErrorCode::kInvalidArgument, "config is larger than 4 MiB").with_file(path);
  }
  return bytes;
}

}  // namespace

core::Result<state::ContainerState> create(const RuntimeContext& ctx, const CreateRequest& req) {
  if (auto s = state::check_container_id(req.id); !s) return s.error();
  char resolved[PATH_MAX];
  if (::realpath(req.bundle.c_str(), resolved) == nullptr) {
    return Error(ErrorCode::kNotFound, "bundle directory does not exist").with_file(req.bundle);
  }
  std::string bundle = resolved;
  std::string config_path = bundle + "/config.json";
  auto bytes = read_bundle_config(config_path);
  if (!bytes) return bytes.error();
  auto parsed = spec::parse_config(bytes.value(), config_path);
  if (!parsed) return parsed.error();
  spec::Config config = std::move(parsed).value();
  for (const auto& w : config.warnings)
    ctx.warn(config_path + ": " + w);
  if (!config.process) {
    return Error(ErrorCode::kInvalidArgument, "missing required field")
        .with_file(config_path)
        .with_field("process");
  }
  if (auto s = check_terminal(*config.process, req.console_socket, req.on_terminal, config_path,
                              "process.terminal");
      !s) {
    return s.error();
  }
  for (const auto& [k, v] : req.extra_annotations)
    config.annotations[k] = v;
  if (::access(ctx.init_binary.c_str(), X_OK) != 0) {
    return Error(ErrorCode::kNotFound, "the init helper lxcri-init is missing")
        .with_file(ctx.init_binary);
  }
  std::string bpf;
  std::vector<std::string> warnings;
  if (config.linux.seccomp) {
    auto compiled = lxc::compile_seccomp(*config.linux.seccomp, warnings);
    if (!compiled) {
      core::Error e = compiled.error();
      return e.with_file(config_path);
    }
    bpf = std::move(compiled).value();
  }
  for (const auto& w : warnings)
    ctx.warn(config_path + ": " + w);

  auto made = state::ContainerDir::create(ctx.root, req.id);
  if (!made) return made.error();
  state::ContainerDir dir = std::move(made).value();
  std::string cgroup_container = lxc::cgroup_dir(config, req.id);
  CreateRollback rollback(dir, cgroup_container, req.id);

  // The saved config carries the extra annotations, for later commands.
  nlohmann::json saved = nlohmann::json::parse(bytes.value());
  for (const auto& [k, v] : req.extra_annotations)
    saved["annotations"][k] = v;
  if (auto s = dir.write_file(kConfigFile, saved.dump()); !s) return s.error();

  std::string init_dir = dir.file(kInitDir);
  if (::mkdir(init_dir.c_str(), 0700) != 0) return oci::store::sys_error("mkdir", init_dir, errno);
  std::string start_fifo = init_dir + "/" + lxc::kStartFifo;
  if (::mkfifo(start_fifo.c_str(), 0600) != 0)
    return oci::store::sys_error("mkfifo", start_fifo, errno);
  std::string exec_fifo = init_dir + "/" + lxc::kExecFifo;
  if (::mkfifo(exec_fifo.c_str(), 0600) != 0)
    return oci::store::sys_error("mkfifo", exec_fifo, errno);
  auto write_init_file = [&](const char* name, const std::string& content) -> core::Status {
    std::string path = init_dir + "/" + name;
    auto fd = oci::store::open_file(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (!fd) return fd.error();
    return oci::store::write_all(fd.value().get(), content, path);
  };
  if (auto s = write_init_file("init", ""); !s) return s.error();  // bind target for the helper
  if (auto s = write_init_file(lxc::kPlanFile, lxc::encode(make_plan(config, !bpf.empty()))); !s) {
    return s.error();
  }
  if (!bpf.empty()) {
    if (auto s = write_init_file(lxc::kSeccompFile, bpf); !s) return s.error();
  }
  if (auto root = mapped_root(config)) {
    // The helper runs as the container's root, which is not the host's: it
    // must pass through the container dir (liblxc checks) and own its files.
    if (::chmod(dir.path().c_str(), 0711) != 0)
      return oci::store::sys_error("chmod", dir.path(), errno);
    // An older --root may still be 0700 (liblxc checks the whole path).
    struct stat root_st;
    if (::stat(ctx.root.c_str(), &root_st) == 0 && (root_st.st_mode & 0011) != 0011 &&
        ::chmod(ctx.root.c_str(), (root_st.st_mode & 07777) | 0011) != 0) {
      return oci::store::sys_error("chmod", ctx.root, errno);
    }
    for (const char* name : {"", "/init", "/start", "/exec", "/plan", "/seccomp.bpf"}) {
      std::string path = init_dir + name;
      if (::lchown(path.c_str(), root->first, root->second) != 0 && errno != ENOENT) {
        return oci::store::sys_error("chown", path, errno);
      }
    }
  }

  state::ContainerState st;
  st.oci_version = config.oci_version;
  st.id = req.id;
  st.bundle = bundle;
  st.created = now_rfc3339();
  st.annotations = config.annotations;

  lxc::HostPaths paths;
  paths.bundle = bundle;
  paths.init_dir = init_dir;
  paths.init_binary = ctx.init_binary;
  paths.cgroup_container = cgroup_container;
  paths.cgroup_monitor = monitor_cgroup(req.id);
  paths.log_file = dir.file("lxc.log");
  paths.debug = ctx.debug;
  if (!config.hooks.prestart.empty() || !config.hooks.create_runtime.empty()) {
    paths.hook_command = shell_quote(ctx.self_binary) + " --root " + shell_quote(ctx.root) +
                         " __hook --bundle " + shell_quote(bundle) + " " + shell_quote(req.id);
  }
  auto items = lxc::lxc_config(config, paths);
  if (!items) {
    core::Error e = items.error();
    return e.with_file(config_path);
  }

  lxc::StartRequest start;
  start.name = req.id;
  start.lxcpath = ctx.root;
  start.items = std::move(items).value();
  start.init_dir = init_dir;
  start.log_file = paths.log_file;
  start.close_in_monitor = {dir.lock_fd()};
  start.terminal = config.process->terminal;
  // Once the init exists the state record is written, so that a `create`
  // killed from here on leaves a container `delete` can clean up.
  auto record = [&](pid_t pid) -> core::Status {
    st.pid = pid;
    auto stat = state::read_process_stat(pid);
    if (!stat)
      return Error(ErrorCode::kFailedPrecondition, "the container's init exited during create");
    st.pid_start_time = stat->start_time;
    auto cgroups = cgroups_of(pid);
    if (!cgroups) return cgroups.error();
    st.cgroup_dirs = cgroups.value().dirs;
    st.freezer_dir = cgroups.value().freezer;
    st.pids_dir = cgroups.value().pids_source;
    return dir.write_file(kStateFile, state::to_json(st));
  };
  start.on_init_pid = [&](pid_t pid) -> core::Status {
    rollback.set_init(pid);
    if (auto s = record(pid); !s) return s;
    return write_hook_state(init_dir, st, state::Status::kCreating);
  };
  // A create of this id killed long ago may have left its monitor's cgroup,
  // which would make liblxc refuse to start (it wants a new directory).
  remove_monitor_cgroups(req.id);
  for (const auto& mp : cgroup_mount_points()) {
    if (::access((mp + "/" + cgroup_container).c_str(), F_OK) == 0)
      rollback.set_cgroup_existed(true);
  }
  if (auto s = prepare_cpuset_parents(cgroup_container); !s) return s.error();
  auto init = lxc::start_container(start);
  if (!init) return init.error();
  remove_monitor_cgroups(req.id);
  if (st.pid != init.value().pid || st.pid_start_time != init.value().start_time) {
    return Error(ErrorCode::kInternal, "the init helper's pid changed during create");
  }
  if (init.value().terminal.valid()) {
    auto s = deliver_terminal(init.value().terminal.get(), req.console_socket, req.on_terminal);
    if (!s) return s.error();
  }
  if (!req.pid_file.empty()) {
    if (auto s = write_pid_file(req.pid_file, st.pid); !s) return s.error();
  }
  rollback.commit();
  return st;
}

}  // namespace runtime::lifecycle
