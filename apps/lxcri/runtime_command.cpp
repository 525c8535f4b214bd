#include "runtime_command.h"

#include "layerfs/open_snapshotter.h"
#include "runtime_actions.h"

namespace lxcri {

struct RuntimeCommand::Options : RuntimeOptions {
  CLI::App* create_cmd = nullptr;
  CLI::App* start_cmd = nullptr;
  CLI::App* state_cmd = nullptr;
  CLI::App* kill_cmd = nullptr;
  CLI::App* delete_cmd = nullptr;
  CLI::App* run_cmd = nullptr;
  CLI::App* exec_cmd = nullptr;
  CLI::App* spec_cmd = nullptr;
  CLI::App* list_cmd = nullptr;
  CLI::App* ps_cmd = nullptr;
  CLI::App* pause_cmd = nullptr;
  CLI::App* resume_cmd = nullptr;
  CLI::App* events_cmd = nullptr;
  CLI::App* features_cmd = nullptr;
  CLI::App* hook_cmd = nullptr;
};

namespace {

using Options = RuntimeCommand::Options;

CLI::App* with_id(CLI::App* cmd, Options& o) {
  cmd->add_option("ID", o.id, "container id")->required();
  return cmd;
}

void add_snapshotter_option(CLI::App& cmd, Options& o) {
  cmd.add_option("--snapshotter", o.snapshotter,
                 "with an image: the rootfs snapshot's backend, overlayfs (the default; a copy "
                 "where the store cannot mount it), btrfs, zfs or copy")
      ->check(CLI::IsMember(layerfs::kSnapshotterNames));
}

}  // namespace

RuntimeCommand::RuntimeCommand(CLI::App& app) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  app.add_option("--root", o.root, "directory for container state (default /run/lxcri)");
  app.add_option("--log", o.log_file, "also write errors and warnings to this file");
  app.add_option("--log-format", o.log_format, "text or json");
  app.add_flag("--debug", o.debug, "log liblxc at DEBUG level into ROOT/ID/lxc.log");
  app.add_flag("--systemd-cgroup", o.systemd_cgroup, "refused: lxcri manages cgroupfs paths only");

  o.create_cmd =
      with_id(app.add_subcommand("create", "create a container, stopped before its process"), o);
  o.create_cmd->add_option("-b,--bundle", o.bundle, "bundle directory (default .)");
  o.create_cmd->add_option("--pid-file", o.pid_file, "write the container's host pid here");
  o.create_cmd->add_option("--console-socket", o.console_socket,
                           "unix socket that receives the terminal's master (process.terminal)");
  o.create_cmd->add_flag("--no-pivot", o.no_pivot,
                         "accepted for runc compatibility; lxcri always pivots");
  o.create_cmd->add_option("--image", o.image, "NAME:TAG: generate the bundle from a stored image");
  o.create_cmd->add_option("--store", o.store, "content store for --image");
  o.create_cmd->add_option("--platform", o.platform, "os/arch[/variant] for --image");
  add_snapshotter_option(*o.create_cmd, o);

  o.start_cmd = with_id(app.add_subcommand("start", "start the process of a created container"), o);
  o.state_cmd = with_id(app.add_subcommand("state", "print a container's OCI state as JSON"), o);
  o.kill_cmd = with_id(app.add_subcommand("kill", "send a signal to a container's process"), o);
  o.kill_cmd->add_option("SIGNAL", o.signal, "name or number (default SIGTERM)");
  o.kill_cmd->add_flag("-a,--all", o.all, "signal every process of the container");
  o.delete_cmd =
      with_id(app.add_subcommand("delete", "delete a stopped (or, forced, any) container"), o);
  o.delete_cmd->add_flag("-f,--force", o.force, "kill a running container first");

  o.run_cmd =
      app.add_subcommand("run", "create and start a container; wait for it unless --detach");
  o.run_cmd->add_option("ID|IMAGE", o.target, "container id, or an image NAME:TAG")->required();
  o.run_cmd->add_option("ARGS", o.args, "with an image: the program and its arguments (after --)");
  o.run_cmd->add_option("-b,--bundle", o.bundle, "bundle directory (default .)");
  o.run_cmd->add_flag("-d,--detach", o.detach, "return once the container runs");
  o.run_cmd->add_option("--pid-file", o.pid_file, "write the container's host pid here");
  o.run_cmd->add_option("--console-socket", o.console_socket,
                        "unix socket that receives the terminal's master (process.terminal)");
  o.run_cmd->add_flag("--no-pivot", o.no_pivot, "accepted for runc compatibility");
  o.run_cmd->add_option("--name", o.name, "with an image: the container id (default: generated)");
  o.run_cmd->add_option("--store", o.store, "content store for an image");
  o.run_cmd->add_option("--platform", o.platform, "os/arch[/variant] for an image");
  add_snapshotter_option(*o.run_cmd, o);

  o.exec_cmd = app.add_subcommand("exec", "run one more process in a running container");
  o.exec_cmd->add_option("ID", o.id, "container id")->required();
  o.exec_cmd->add_option("-p,--process", o.process_file, "process.json: the whole process");
  o.exec_cmd->add_flag("-t,--tty", o.tty, "give the process a terminal");
  o.exec_cmd->add_flag("-d,--detach", o.detach, "return once the program runs");
  o.exec_cmd->add_option("--pid-file", o.pid_file, "write the process's host pid here");
  o.exec_cmd->add_option("--console-socket", o.console_socket,
                         "unix socket that receives the terminal's master");
  o.exec_cmd->add_option("--cwd", o.cwd, "working directory in the container");
  o.exec_cmd->add_option("-e,--env", o.env, "NAME=VALUE, added to the container's env")
      ->allow_extra_args(false);
  o.exec_cmd->add_option("-u,--user", o.user, "UID[:GID]");
  o.exec_cmd->add_option("-g,--additional-gids", o.additional_gids, "more group ids")
      ->allow_extra_args(false);
  o.exec_cmd->add_option("-c,--cap", o.caps, "a capability to add, e.g. CAP_NET_ADMIN")
      ->allow_extra_args(false);
  o.exec_cmd->add_flag("--no-new-privs", o.no_new_privs, "set no_new_privs");
  o.exec_cmd->add_option("--preserve-fds", o.preserve_fds, "refused unless 0");
  o.exec_cmd->add_option("-a,--apparmor", o.apparmor, "only 'unconfined' (no AppArmor here)");
  o.exec_cmd->add_option("--process-label", o.process_label, "refused: no SELinux");

  o.spec_cmd = app.add_subcommand("spec", "write a default config.json into the bundle directory");
  o.spec_cmd->add_flag("--rootless", o.rootless, "for a container started without root");
  o.spec_cmd->add_option("-b,--bundle", o.bundle, "bundle directory (default .)");
  o.list_cmd = app.add_subcommand("list", "list containers");
  o.list_cmd->add_option("-f,--format", o.format, "table or json");
  o.list_cmd->add_flag("-q,--quiet", o.quiet, "ids only");
  o.ps_cmd = with_id(app.add_subcommand("ps", "list a container's processes"), o);
  o.ps_cmd->add_option("-f,--format", o.format, "table or json");
  o.pause_cmd = with_id(app.add_subcommand("pause", "freeze every process of a container"), o);
  o.resume_cmd = with_id(app.add_subcommand("resume", "thaw a paused container"), o);
  o.events_cmd = with_id(app.add_subcommand("events", "print resource statistics as JSON"), o);
  o.events_cmd->add_flag("--stats", o.stats, "print one statistics event and exit");
  o.events_cmd->add_option("--interval", o.interval_seconds, "seconds between events (default 5)");
  o.features_cmd = app.add_subcommand("features", "print what this runtime supports, as JSON");

  o.hook_cmd =
      app.add_subcommand("__hook", "internal: run by liblxc for prestart/createRuntime hooks");
  o.hook_cmd->group("");  // hidden
  o.hook_cmd->add_option("--bundle", o.bundle)->required();
  o.hook_cmd->add_option("ID", o.id)->required();
  o.hook_cmd->allow_extras();  // liblxc appends its own arguments
}

RuntimeCommand::~RuntimeCommand() = default;

void RuntimeCommand::set_exec_program(std::vector<std::string> args) {
  options_->args = std::move(args);
}

bool RuntimeCommand::parsed() const {
  const Options& o = *options_;
  for (CLI::App* cmd : {o.create_cmd, o.start_cmd, o.state_cmd, o.kill_cmd, o.delete_cmd, o.run_cmd,
                        o.exec_cmd, o.spec_cmd, o.list_cmd, o.ps_cmd, o.pause_cmd, o.resume_cmd,
                        o.events_cmd, o.features_cmd, o.hook_cmd}) {
    if (cmd->parsed()) return true;
  }
  return false;
}

int RuntimeCommand::run() {
  Options& o = *options_;
  RuntimeLog log;
  std::string error;
  if (!log.open(o.log_file, o.log_format, o.debug, error)) {
    std::fprintf(stderr, "lxcri: %s\n", error.c_str());
    return 1;
  }
  if (o.systemd_cgroup) {
    log.error("--systemd-cgroup is not supported: lxcri places containers in cgroupfs paths");
    return 1;
  }
  if (o.create_cmd->parsed()) return create_container(o, log);
  if (o.start_cmd->parsed()) return start_container(o, log);
  if (o.state_cmd->parsed()) return print_state(o, log);
  if (o.kill_cmd->parsed()) return kill_container(o, log);
  if (o.delete_cmd->parsed()) return delete_container(o, log);
  if (o.run_cmd->parsed()) return run_container(o, log);
  if (o.exec_cmd->parsed()) return exec_in_container(o, log);
  if (o.spec_cmd->parsed()) return write_spec(o, log);
  if (o.list_cmd->parsed()) return list_containers(o, log);
  if (o.ps_cmd->parsed()) return list_processes(o, log);
  if (o.pause_cmd->parsed()) return pause_container(o, log);
  if (o.resume_cmd->parsed()) return resume_container(o, log);
  if (o.events_cmd->parsed()) return print_events(o, log);
  if (o.features_cmd->parsed()) return print_features(o, log);
  return run_runtime_hooks(o, log);
}

}  // namespace lxcri
