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
  // prestart (deprecated) predates the "creating" status: runtime-tools and
  // crun hand it "created"; createRuntime sees the container being created.
  std::string prestart = state::oci_state_json(st, state::Status::kCreated);
  if (auto s = run_host_hooks(config.value().hooks.prestart, prestart, "prestart"); !s) return s;
  std::string creating = state::oci_state_json(st, state::Status::kCreating);
  return run_host_hooks(config.value().hooks.create_runtime, creating, "createRuntime");
}

}  // namespace runtime::lifecycle
