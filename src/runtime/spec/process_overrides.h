// runtime/spec/process_overrides.h: `exec ARGS` without --process runs the
// container's own process with runc exec's flags applied: new args, more
// env (a name already set is replaced), another cwd or user, more groups and
// capabilities, no_new_privs, a terminal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "runtime/spec/config.h"

namespace runtime::spec {

struct ProcessOverrides {
  std::vector<std::string> args;
  std::vector<std::string> env;  // NAME=VALUE
  std::string cwd;               // empty: the process's own
  std::string user;              // "UID" or "UID:GID"; empty: the process's own
  std::vector<std::uint32_t> additional_gids;
  std::vector<std::string> capabilities;  // CAP_* names
  std::optional<bool> no_new_privileges;
  bool terminal = false;
};

// `base` with `o` applied; kInvalidArgument names the flag that is wrong
// (--user, --env, --cap, --cwd, the program).
core::Result<Process> apply_overrides(Process base, const ProcessOverrides& o);

}  // namespace runtime::spec
