// runtime/lxc/init_plan.h: what the init helper does inside the container,
// handed over as a file.
//
// liblxc builds the container (namespaces, rootfs, mounts, cgroups, id maps,
// hostname, sysctls, rlimits) and then executes `lxcri-init`, our static
// helper, as the container's pid 1. The helper finishes what must happen
// inside the container and as late as possible, the way runc's init does:
// device nodes, masked and read-only paths, createContainer hooks; then it
// waits for `lxcri start`, runs startContainer hooks, switches user, sets the
// five capability sets and no_new_privs, loads the seccomp filter last and
// executes the user's program. `InitPlan` is that list of work. The runtime
// writes it next to the helper (`encode`), the helper reads it (`decode`).
//
// The encoding is NUL-separated strings in a fixed order after a version
// line: no parser to link into a static binary, and any string (an argument
// with newlines) survives.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtime::lxc {

struct PlanHook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  int timeout_seconds = 0;  // 0: none
};

struct PlanDevice {
  std::string path;
  char type = 'c';
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint32_t mode = 0666;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

struct InitPlan {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::vector<std::uint32_t> additional_gids;
  std::optional<std::uint32_t> umask;
  bool set_capabilities = false;
  // bounding, effective, inheritable, permitted, ambient
  std::uint64_t capabilities[5] = {0, 0, 0, 0, 0};
  bool no_new_privileges = false;
  bool seccomp = false;  // load seccomp.bpf from the helper's directory
  std::vector<PlanDevice> devices;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  // Remount "/" read-only last: liblxc mounting it read-only from the start
  // would keep mount entries from creating their mount points.
  bool readonly_root = false;
  // linux.rootfsPropagation applied to "/" recursively (empty: left as is).
  std::string rootfs_propagation;
  std::vector<PlanHook> create_container_hooks;
  std::vector<PlanHook> start_container_hooks;
  // process.terminal: the helper opens a pty in the container's devpts, makes
  // it the program's controlling terminal and stdio, and sends the master to
  // the runtime (runtime/lxc/terminal_channel.h). Size 0x0: left as is.
  bool terminal = false;
  std::uint32_t console_height = 0;
  std::uint32_t console_width = 0;
};

std::string encode(const InitPlan& plan);
// False with `error` set when `bytes` is not a plan this version wrote.
bool decode(std::string_view bytes, InitPlan& plan, std::string& error);

}  // namespace runtime::lxc
