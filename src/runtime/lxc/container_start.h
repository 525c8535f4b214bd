// runtime/lxc/container_start.h: liblxc builds and starts the container, up
// to the init helper waiting for `lxcri start`.
//
// liblxc's start() blocks in a monitor process for the container's whole
// life and owns the container's init as its child. An OCI runtime must
// instead return from `create` and leave the init to the caller's subreaper
// (containerd's shim, `lxcri run`), which waits for it and collects its exit
// status, exactly as with runc. So `start_container` forks a monitor that
// runs liblxc's start() with `lxc.monitor.signal.pdeath = 0`, waits until the
// helper inside the container reports ready over a unix socket in the init
// dir (SO_PEERCRED gives its host pid), and then kills the monitor: the init
// is reparented to the nearest subreaper and liblxc's part is done. What the
// monitor would have cleaned up on exit (cgroups) `delete` removes.
//
// There is no overall deadline: prestart, createRuntime and createContainer
// hooks may take as long as their own timeouts allow (as with runc); a dead
// monitor or helper ends the wait at once.
//
// The handshake: helper connects and sends "hello"; we call `on_init_pid`
// (which writes the state the helper's hooks read) and answer "go"; the helper
// sets up devices and paths, runs createContainer hooks and checks that the
// program exists, then answers "ok" or "error <message>". With a terminal
// it first sends "terminal" carrying the pty's master (lxc/fd_channel.h).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "oci/store/posix_file.h"
#include "runtime/lxc/lxc_config.h"

namespace runtime::lxc {

struct StartRequest {
  std::string name;     // the container id
  std::string lxcpath;  // --root
  ConfigItems items;
  std::string init_dir;  // host path of the helper's directory (sync socket lives here)
  std::string log_file;  // liblxc's log, quoted in errors
  std::function<core::Status(pid_t init_pid)> on_init_pid;
  // Descriptors the monitor must not keep (the container dir's lock: a
  // monitor outliving a killed `create` would hold it forever).
  std::vector<int> close_in_monitor;
  bool terminal = false;  // the plan asks the helper for a pty
};

struct StartedInit {
  pid_t pid = 0;
  std::uint64_t start_time = 0;
  oci::store::UniqueFd terminal;  // the pty's master, with `terminal`
};

core::Result<StartedInit> start_container(const StartRequest& request);

// Name of the helper's sync socket inside the init dir.
inline constexpr const char* kSyncSocket = "sync";
// Name of the fifo the helper waits on until `lxcri start`.
inline constexpr const char* kStartFifo = "start";
// The fifo `start` reads until the program runs (EOF) or the helper reports
// why it cannot (a line of text).
inline constexpr const char* kExecFifo = "exec";
inline constexpr const char* kPlanFile = "plan";
inline constexpr const char* kSeccompFile = "seccomp.bpf";
inline constexpr const char* kHookStateFile = "state.json";

}  // namespace runtime::lxc
