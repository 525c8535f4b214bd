// exec: one more process in a running container (runtime/exec/join_container.h
// does the joining). The process is the one `exec --process` gave, or the
// container's own with runc exec's flags applied; the container's seccomp
// filter, compiled by `create`, applies to it as well.
#include <cstring>

#include "runtime/exec/join_container.h"
#include "runtime/lifecycle/cgroups.h"
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/lifecycle/process_launch.h"
#include "runtime/lxc/container_start.h"

namespace runtime::lifecycle {

using core::Error;
using core::ErrorCode;

core::Result<pid_t> exec(const RuntimeContext& ctx, const ExecRequest& req) {
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
  std::string seccomp_file = std::string(kInitDir) + "/" + lxc::kSeccompFile;
  std::string bpf;
  if (config.value().linux.seccomp) {
    auto bytes = dir.read_file(seccomp_file);
    if (!bytes) return bytes.error();
    bpf = std::move(bytes).value();
  }
  auto cgroups = cgroups_of(st.pid);
  if (!cgroups) return cgroups.error();

  exec::JoinRequest join;
  join.init_pid = st.pid;
  join.init_start_time = st.pid_start_time;
  join.cgroup_dirs = cgroups.value().dirs;
  join.helper = ctx.init_binary;
  join.plan = lxc::encode(process_plan(process, !bpf.empty()));
  join.seccomp_bpf = bpf;
  join.rlimits = process.rlimits;
  join.oom_score_adj = process.oom_score_adj;
  auto joined = exec::join_container(join);
  if (!joined) return joined.error();
  if (joined.value().terminal.valid()) {
    auto s = deliver_terminal(joined.value().terminal.get(), req.console_socket, req.on_terminal);
    if (!s) return s.error();
  }
  if (!req.pid_file.empty()) {
    if (auto s = write_pid_file(req.pid_file, joined.value().pid); !s) return s.error();
  }
  return joined.value().pid;
}

}  // namespace runtime::lifecycle
