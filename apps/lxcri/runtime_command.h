// apps/lxcri/runtime_command.h: the OCI runtime commands, with runc's
// command line (containerd's runc shim and Podman call these exactly).
//
//   lxcri [--root DIR] [--log FILE] [--log-format text|json] [--debug]
//         [--systemd-cgroup] COMMAND
//   create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] ID
//   create --image NAME:TAG [--store DIR] [--snapshotter S] [--pid-file F] ID
//   start ID            state ID            delete [--force] ID
//   kill [--all] ID [SIGNAL]                pause ID            resume ID
//   run [--bundle DIR] [--detach] [--pid-file F] ID
//   run NAME:TAG [--name ID] [--detach] [--store DIR] [--snapshotter S] [-- ARGS...]
//   list [--format table|json]   ps [--format table|json] ID   events [--stats] ID
//   spec [--rootless] [--bundle DIR]   features
//   exec [--process F] [--tty] [--detach] [--pid-file F] [--console-socket S]
//        [--env K=V] [--cwd D] [--user UID[:GID]] [-g GID] [--cap CAP]
//        [--no-new-privs] ID [--] [PROGRAM ARGS...]
//
// As with runc, exec's options end at the id: what follows is the program's
// (main.cpp splits it off before CLI11 parses, which would read its options).
//
// `run`'s first argument is an image when it holds ':', '/' or '@' (never
// valid in a container id) or when --name is given; otherwise it is the id
// of a container to run from --bundle.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace lxcri {

class RuntimeCommand {
 public:
  // Registers the global options and the runtime subcommands on `app`.
  explicit RuntimeCommand(CLI::App& app);
  ~RuntimeCommand();
  bool parsed() const;
  // Runs the parsed subcommand; returns the exit code.
  int run();
  // exec's program and arguments, split off by the caller.
  void set_exec_program(std::vector<std::string> args);

  struct Options;

 private:
  std::unique_ptr<Options> options_;
};

}  // namespace lxcri
