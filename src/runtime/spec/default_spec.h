// runtime/spec/default_spec.h: the config.json `lxcri spec` writes and
// `lxcri run IMAGE` starts from: runc's default (a read-only busybox-style
// root, the usual mounts and masked paths, three capabilities,
// no_new_privs), except that process.terminal is false, because lxcri does
// not attach terminals yet.
#pragma once

#include <nlohmann/json.hpp>

namespace runtime::spec {

struct DefaultSpecOptions {
  // runc's --rootless: a user namespace mapping the caller's uid and gid to
  // root, no cgroup limits, /sys bound from the host instead of mounted.
  bool rootless = false;
};

nlohmann::json default_spec(const DefaultSpecOptions& options = {});

}  // namespace runtime::spec
