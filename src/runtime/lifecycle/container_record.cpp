#include "runtime/lifecycle/container_record.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdio>

#include "oci/store/posix_file.h"
#include "runtime/hooks/run_hook.h"
#include "runtime/lxc/container_start.h"

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

core::Status write_hook_state(const std::string& init_dir, const state::ContainerState& st,
                              state::Status status) {
  std::string path = init_dir + "/" + lxc::kHookStateFile;
  std::string tmp = path + ".tmp";
  auto fd = oci::store::open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!fd) return fd.error();
  if (auto s = oci::store::write_all(fd.value().get(), state::oci_state_json(st, status), tmp); !s)
    return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return oci::store::sys_error("rename", path, errno);
  return {};
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
