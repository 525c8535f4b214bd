// runtime/lifecycle/operations.h: the OCI runtime operations, one per runc
// command, on containers kept under RuntimeContext::root.
//
// Each operation locks the container's directory for its whole duration
// (state/container_dir.h), so concurrent commands on one id are serialized,
// and derives the container's status from its live init process
// (state/container_state.h). Errors: kNotFound for an unknown id,
// kAlreadyExists for a taken id, kFailedPrecondition for a container in the
// wrong state ("cannot start a running container"), kInvalidArgument for a bad
// config or signal.
//
// One file per operation: create.cpp, start.cpp, signal.cpp (kill, pause,
// resume), remove.cpp (delete), inspect.cpp (state, list, processes, stats).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "runtime/lifecycle/runtime_context.h"
#include "runtime/spec/process_overrides.h"
#include "runtime/state/container_state.h"

namespace runtime::lifecycle {

// Receives the master of a process's terminal when there is no console
// socket: a caller in the foreground copies it to its own terminal.
using TerminalSink = std::function<core::Status(int master)>;

struct CreateRequest {
  std::string id;
  std::string bundle;  // may be relative
  std::string pid_file;
  // With process.terminal the pty's master goes to this unix socket, as
  // runc sends it, or else to `on_terminal`; one of them is then required.
  std::string console_socket;
  TerminalSink on_terminal;
  // Annotations added to the config's, e.g. to mark a bundle the runtime made.
  std::map<std::string, std::string> extra_annotations;
};

// Builds the container and leaves its init waiting for `start`.
core::Result<state::ContainerState> create(const RuntimeContext& ctx, const CreateRequest& request);
// Releases a created container's init; runs poststart hooks.
core::Status start(const RuntimeContext& ctx, const std::string& id);

struct ExecRequest {
  std::string id;
  // The process from `exec --process F`; without it, the container's own
  // process changed by `overrides` (runc exec's flags).
  std::optional<spec::Process> process;
  spec::ProcessOverrides overrides;
  std::string pid_file;
  std::string console_socket;  // as in CreateRequest
  TerminalSink on_terminal;
};

// Starts one more process in a running container: in its namespaces and
// cgroups, with its seccomp filter, as the given user with the given
// capabilities. Returns the process's host pid once the program runs
// (execve succeeded); a program that cannot run is an error. The process is
// reparented to the caller's subreaper, as with runc.
core::Result<pid_t> exec(const RuntimeContext& ctx, const ExecRequest& request);

struct Snapshot {
  state::ContainerState state;
  state::Status status = state::Status::kStopped;
};
core::Result<Snapshot> inspect(const RuntimeContext& ctx, const std::string& id);
// Every container under the root, by id; unreadable ones are warned about.
std::vector<Snapshot> list(const RuntimeContext& ctx);
// The host pids of every process in the container.
core::Result<std::vector<pid_t>> processes(const RuntimeContext& ctx, const std::string& id);
// One runc-style stats document (cpu, memory, pids) as JSON.
core::Result<std::string> stats(const RuntimeContext& ctx, const std::string& id);

// Sends `signal` to the init, or with `all` to every process of the container.
core::Status kill(const RuntimeContext& ctx, const std::string& id, int signal, bool all);
core::Status pause(const RuntimeContext& ctx, const std::string& id);
core::Status resume(const RuntimeContext& ctx, const std::string& id);

// Deletes a stopped container (any with `force`, killing it):
// processes, cgroups, state; then poststop hooks. The bundle stays, unless the
// runtime generated it (`lxcri run IMAGE`).
core::Status remove(const RuntimeContext& ctx, const std::string& id, bool force);

// The prestart and createRuntime hooks, with the state "creating" and the
// init's host pid. liblxc runs them (through `lxcri __hook`) once the
// container's namespaces exist, while `create` waits.
core::Status run_runtime_hooks(const RuntimeContext& ctx, const std::string& id,
                               const std::string& bundle, pid_t pid);

// The annotation that marks a bundle the runtime generated and owns.
inline constexpr const char* kOwnedBundleAnnotation = "org.lxcri.bundle.owned";
// On such a bundle whose rootfs/ is a snapshot (layerfs/bundle_rootfs.h): the
// content store and the snapshotter it came from, so delete can release it.
inline constexpr const char* kBundleStoreAnnotation = "org.lxcri.bundle.store";
inline constexpr const char* kBundleSnapshotterAnnotation = "org.lxcri.bundle.snapshotter";

// Removes a bundle the runtime generated: releases its rootfs snapshot when
// `annotations` name one, then deletes the directory. Problems are reported
// through `warn` (the container is gone either way).
void remove_owned_bundle(const std::string& bundle,
                         const std::map<std::string, std::string>& annotations,
                         const std::function<void(const std::string&)>& warn);

}  // namespace runtime::lifecycle
