// runtime/state/container_state.h: what the runtime records about one
// container (--root/ID/state.json) and the OCI state it reports.
//
// The record is written by `create` once the init helper waits for `start`,
// and rewritten by `start`. The status the OCI spec asks for is *derived*, not
// trusted from the file: a container whose init process is gone is `stopped`
// whatever the file says, so a container whose process died (or was killed
// with the machine's OOM killer, or whose `start` crashed halfway) is never
// reported as running.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace runtime::state {

enum class Status { kCreating, kCreated, kRunning, kPaused, kStopped };
const char* status_name(Status status);

struct ContainerState {
  std::string oci_version;
  std::string id;
  std::string bundle;  // absolute
  pid_t pid = 0;       // the container's init, as the host sees it
  std::uint64_t pid_start_time = 0;
  bool started = false;  // `start` released the init helper
  std::string created;   // RFC 3339, UTC
  std::map<std::string, std::string> annotations;
  // Cgroup directories to remove on delete, relative to each v1 hierarchy.
  std::vector<std::string> cgroup_dirs;
  // The freezer cgroup directory (absolute), for pause/resume; may be empty.
  std::string freezer_dir;
  // The cgroup directory whose cgroup.procs lists the container's processes.
  std::string pids_dir;
};

std::string to_json(const ContainerState& state);
core::Result<ContainerState> state_from_json(const std::string& bytes, const std::string& file);

// The status right now: stopped when the init is gone, paused when its
// freezer cgroup is frozen, otherwise created or running as recorded.
Status live_status(const ContainerState& state);

// The OCI runtime-spec state document for `state`, hooks and `list`.
std::string oci_state_json(const ContainerState& state, Status status);

}  // namespace runtime::state
