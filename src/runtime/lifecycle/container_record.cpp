#include "runtime/lifecycle/container_record.h"

#include "runtime/hooks/run_hook.h"

namespace runtime::lifecycle {

core::Result<OpenContainer> open_container(const RuntimeContext& ctx, const std::string& id) {
  auto dir = state::ContainerDir::open(ctx.root, id);
  if (!dir) return dir.error();
  auto bytes = dir.value().read_file(kStateFile);
  if (!bytes) {
    if (bytes.error().code() == core::ErrorCode::kNotFound) {
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "container '" + id + "' was never fully created; delete it")
          .with_file(dir.value().path());
    }
    return bytes.error();
  }
  auto st = state::state_from_json(bytes.value(), dir.value().file(kStateFile));
  if (!st) return st.error();
  return OpenContainer{std::move(dir).value(), std::move(st).value()};
}

core::Result<spec::Config> saved_config(const state::ContainerDir& dir) {
  auto bytes = dir.read_file(kConfigFile);
  if (!bytes) return bytes.error();
  return spec::parse_config(bytes.value(), dir.file(kConfigFile));
}

namespace {

std::string run_one(const spec::Hook& h, const std::string& state_json) {
  return hooks::run_hook({h.path, h.args, h.env, h.timeout_seconds.value_or(0)}, state_json);
}

}  // namespace

core::Status run_host_hooks(const std::vector<spec::Hook>& hooks, const std::string& state_json,
                            const std::string& kind) {
  for (const spec::Hook& h : hooks) {
    if (std::string e = run_one(h, state_json); !e.empty()) {
      return core::Error(core::ErrorCode::kTaskFailed, kind + " " + e);
    }
  }
  return {};
}

void run_host_hooks_warning(const RuntimeContext& ctx, const std::vector<spec::Hook>& hooks,
                            const std::string& state_json, const std::string& kind) {
  for (const spec::Hook& h : hooks) {
    if (std::string e = run_one(h, state_json); !e.empty()) ctx.warn(kind + " " + e);
  }
}

}  // namespace runtime::lifecycle
