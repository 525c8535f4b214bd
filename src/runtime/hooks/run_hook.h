// runtime/hooks/run_hook.h: runs one OCI hook: its program with its args and
// env, the container's state JSON on stdin, killed when its timeout passes.
//
// Used both by the runtime on the host (prestart, createRuntime, poststart,
// poststop) and by the static init helper inside the container
// (createContainer, startContainer), so it depends on libc alone and reports
// failure as a message instead of core::Error.
#pragma once

#include <string>
#include <vector>

namespace runtime::hooks {

struct HookCommand {
  std::string path;
  std::vector<std::string> args;  // args[0] is argv[0]; empty means {path}
  std::vector<std::string> env;
  int timeout_seconds = 0;  // 0: wait as long as it takes
};

// Empty on success (exit status 0), otherwise what went wrong:
// "hook /bin/x exited with status 3", "... timed out after 5 s", ...
std::string run_hook(const HookCommand& hook, const std::string& state_json);

}  // namespace runtime::hooks
