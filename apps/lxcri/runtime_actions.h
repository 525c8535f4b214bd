// apps/lxcri/runtime_actions.h: what each runc-compatible runtime command
// does, given its parsed options (runtime_command.cpp parses them). Each
// returns the exit code: 0, or 1 on any failure as runc does (containerd
// reads the reason from --log, not from the code); `run` returns the
// container's own exit status (128 + signal when it was killed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/lifecycle/runtime_context.h"
#include "runtime_log.h"

namespace lxcri {

struct RuntimeOptions {
  // Global: --root --log --log-format --debug --systemd-cgroup.
  std::string root = "/run/lxcri";
  std::string log_file;
  std::string log_format = "text";
  bool debug = false;
  bool systemd_cgroup = false;

  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  bool no_pivot = false;
  bool detach = false;
  bool force = false;
  bool all = false;
  bool rootless = false;
  bool stats = false;
  bool tty = false;
  bool quiet = false;
  int interval_seconds = 5;
  std::string signal = "SIGTERM";
  std::string format = "table";
  std::string process_file;
  std::string image;  // run/create --image, or run's image argument
  std::string name;   // run IMAGE --name
  std::string store;  // --store for images
  std::string platform;
  std::string snapshotter;        // run/create with an image: --snapshotter (empty: the default)
  std::vector<std::string> args;  // run IMAGE -- ARGS, exec ARGS, ps options
  std::string target;             // run's first argument: a container id or an image

  // exec's flags, as runc's (see runtime/spec/process_overrides.h).
  std::vector<std::string> env;
  std::string cwd;
  std::string user;
  std::vector<std::uint32_t> additional_gids;
  std::vector<std::string> caps;
  bool no_new_privs = false;
  int preserve_fds = 0;
  std::string apparmor;
  std::string process_label;
};

// A program installed next to lxcri: lxcri-init, lxcri-image.
std::string sibling_program(const std::string& name);

// The runtime's context: root, binaries, warnings into `log`.
runtime::lifecycle::RuntimeContext runtime_context(const RuntimeOptions& o, RuntimeLog& log);

// container_actions.cpp
int create_container(const RuntimeOptions& o, RuntimeLog& log);
int start_container(const RuntimeOptions& o, RuntimeLog& log);
int run_container(RuntimeOptions& o, RuntimeLog& log);
int kill_container(const RuntimeOptions& o, RuntimeLog& log);
int delete_container(const RuntimeOptions& o, RuntimeLog& log);
int pause_container(const RuntimeOptions& o, RuntimeLog& log);
int resume_container(const RuntimeOptions& o, RuntimeLog& log);
int exec_in_container(const RuntimeOptions& o, RuntimeLog& log);
// liblxc's start-host hook: prestart and createRuntime hooks.
int run_runtime_hooks(const RuntimeOptions& o, RuntimeLog& log);

// runtime_info_actions.cpp
int print_state(const RuntimeOptions& o, RuntimeLog& log);
int list_containers(const RuntimeOptions& o, RuntimeLog& log);
int list_processes(const RuntimeOptions& o, RuntimeLog& log);
int print_events(const RuntimeOptions& o, RuntimeLog& log);
int write_spec(const RuntimeOptions& o, RuntimeLog& log);
int print_features(const RuntimeOptions& o, RuntimeLog& log);

}  // namespace lxcri
