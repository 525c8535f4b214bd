// runtime/lifecycle/container_record.h: the pieces every operation shares
// (internal to lifecycle/): a locked container with its state record and
// saved config, and running a list of the config's hooks on the host.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "runtime/lifecycle/runtime_context.h"
#include "runtime/spec/config.h"
#include "runtime/state/container_dir.h"
#include "runtime/state/container_state.h"

namespace runtime::lifecycle {

inline constexpr const char* kStateFile = "state.json";
inline constexpr const char* kConfigFile = "config.json";
inline constexpr const char* kInitDir = "init";

struct OpenContainer {
  state::ContainerDir dir;
  state::ContainerState state;
};

// Locks --root/ID and reads its state record. A directory without one is a
// create that failed before it finished: kFailedPrecondition.
core::Result<OpenContainer> open_container(const RuntimeContext& ctx, const std::string& id);

// The config as `create` saved it.
core::Result<spec::Config> saved_config(const state::ContainerDir& dir);

// Writes the OCI state the helper's hooks (createContainer, startContainer)
// read: `init_dir`/state.json, replaced atomically.
core::Status write_hook_state(const std::string& init_dir, const state::ContainerState& st,
                              state::Status status);

// Runs `hooks` in order with `state_json` on stdin; the first failure is an
// error naming `kind` ("prestart") and the rest do not run.
core::Status run_host_hooks(const std::vector<spec::Hook>& hooks, const std::string& state_json,
                            const std::string& kind);
// For poststart and poststop, whose failures the spec makes warnings: every
// hook runs, each failure goes to ctx.warn.
void run_host_hooks_warning(const RuntimeContext& ctx, const std::vector<spec::Hook>& hooks,
                            const std::string& state_json, const std::string& kind);

}  // namespace runtime::lifecycle
