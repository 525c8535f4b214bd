// The prestart and createRuntime hooks, run by liblxc's start-host hook
// (`lxcri __hook`) while `create` holds the container's lock: so this reads
// the saved config without locking.
#include "runtime/lifecycle/container_record.h"
#include "runtime/lifecycle/operations.h"

namespace runtime::lifecycle {

core::Status run_runtime_hooks(const RuntimeContext& ctx, const std::string& id,
                               const std::string& bundle, pid_t pid) {
  if (auto s = state::check_container_id(id); !s) return s;
  auto config = spec::load_config(ctx.root + "/" + id + "/" + kConfigFile);
  if (!config) return config.error();
  state::ContainerState st;
  st.oci_version = config.value().oci_version;
  st.id = id;
  st.bundle = bundle;
  st.pid = pid;
  st.annotations = config.value().annotations;
  std::string json = state::oci_state_json(st, state::Status::kCreating);
  if (auto s = run_host_hooks(config.value().hooks.prestart, json, "prestart"); !s) return s;
  return run_host_hooks(config.value().hooks.create_runtime, json, "createRuntime");
}

}  // namespace runtime::lifecycle
