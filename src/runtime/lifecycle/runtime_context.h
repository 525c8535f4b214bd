// runtime/lifecycle/runtime_context.h: what every lifecycle operation needs to
// know about the runtime itself (its state root, its binaries, where
// warnings go), set once by the command line.
#pragma once

#include <functional>
#include <string>

namespace runtime::lifecycle {

struct RuntimeContext {
  std::string root = "/run/lxcri";  // --root: one directory per container
  std::string self_binary;          // this lxcri, run by liblxc for start-host hooks
  std::string init_binary;          // the static lxcri-init helper
  bool debug = false;               // liblxc logs at DEBUG into --root/ID/lxc.log
  // Where non-fatal problems go (unknown config fields, failed poststart or
  // poststop hooks); never null.
  std::function<void(const std::string&)> warn = [](const std::string&) {};
};

}  // namespace runtime::lifecycle
