// exec: one more process in a running container (runtime/exec/join_container.h
// does the joining). The process is the one `exec --process` gave, or the
// container's own with runc exec's flags applied; the container's seccomp
// filter, compiled by `create`, applies to it as well.

#include "runtime/exec/join_container.h"
#include "runtime/lifecycle/cgroups.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/lifecycle/process_launch.h"
#include "runtime/lxc/container_start.h"

namespace runtime::lifecycle {

using core::Error;
using core::ErrorCode;

namespace {

struct Prepared {
  exec::JoinRequest join;
  bool terminal = false;
};

// Everything exec needs from the container's record, read under its lock.
// The lock is released before the process starts: the helper runs inside
// the container, where a hostile process could stop it, and `kill` and
// `delete` must still work then (a concurrent delete kills the helper with
// the container's cgroup, and the init's start time guards against a
// reused pid).
core::Result<Prepared> prepare(const RuntimeContext& ctx, const ExecRequest& req) {
  auto opened = open_container(ctx, req.id);
  if (!opened) return opened.error();
  const state::ContainerDir& dir = opened.value().dir;
  const state::ContainerState& st = opened.value().state;
  state::Status status = state::live_status(st);
  if (status != state::Status::kRunning) {
    std::string why = std::string("cannot exec in a ") + state::status_name(status) +
                      " container '" + req.id + "'";
    if (status == state::Status::kCreated) why += ": start it first";
    if (status == state::Status::kPaused) why += ": resume it first";
    return Error(ErrorCode::kFailedPrecondition, why);
  }
  auto config = saved_config(dir);
  if (!config) return config.error();
  spec::Process process;
  if (req.process) {
    process = *req.process;
  } else {
    auto changed = spec::apply_overrides(*config.value().process, req.overrides);
    if (!changed) return changed.error();
    process = std::move(changed).value();
  }
  if (auto s = check_terminal(process, req.console_socket, req.on_terminal, "exec", "terminal");
      !s) {
    return s.error();
  }
  std::string bpf;
  if (config.value().linux.seccomp) {
    auto bytes = dir.read_file(std::string(kInitDir) + "/" + lxc::kSeccompFile);
    if (!bytes) return bytes.error();
    bpf = std::move(bytes).value();
  }
  auto cgroups = cgroups_of(st.pid);
  if (!cgroups) return cgroups.error();

  Prepared out;
  out.terminal = process.terminal;
  out.join.init_pid = st.pid;
  out.join.init_start_time = st.pid_start_time;
  out.join.cgroup_dirs = cgroups.value().dirs;
  out.join.helper = ctx.init_binary;
  out.join.plan = lxc::encode(process_plan(process, !bpf.empty()));
  out.join.seccomp_bpf = std::move(bpf);
  out.join.rlimits = process.rlimits;
  out.join.oom_score_adj = process.oom_score_adj;
  return out;
}

}  // namespace

core::Result<pid_t> exec(const RuntimeContext& ctx, const ExecRequest& req) {
  auto prepared = prepare(ctx, req);
  if (!prepared) return prepared.error();
  auto joined = exec::join_container(prepared.value().join);
  if (!joined) return joined.error();
  pid_t pid = joined.value().pid;
  // The program runs already: a failure from here on must not leave it
  // running behind an error.
  core::Status delivered;
  if (prepared.value().terminal && !joined.value().terminal.valid()) {
    delivered = Error(ErrorCode::kInternal, "the process asked for a terminal and got none");
  } else if (joined.value().terminal.valid()) {
    delivered =
        deliver_terminal(joined.value().terminal.get(), req.console_socket, req.on_terminal);
  }
  if (delivered && !req.pid_file.empty()) delivered = write_pid_file(req.pid_file, pid);
  if (!delivered) {
    exec::kill_process(joined.value());
    return delivered.error();
  }
  return pid;
}

}  // namespace runtime::lifecycle
