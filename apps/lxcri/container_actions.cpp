// The runtime commands that change containers: create, start, run, kill,
// delete, pause, resume, and the internal start-host hook.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "exit_codes.h"
#include "foreground.h"
#include "layerfs/open_snapshotter.h"
#include "oci/store/posix_file.h"
#include "oci/store/store_root.h"
#include "runtime/lifecycle/operations.h"
#include "runtime/spec/names.h"
#include "runtime/state/container_dir.h"
#include "runtime_actions.h"

namespace lxcri {
namespace {

namespace lc = runtime::lifecycle;
using oci::store::UniqueFd;

std::string self_path() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "lxcri";
}

}  // namespace

std::string sibling_program(const std::string& name) {
  return (std::filesystem::path(self_path()).parent_path() / name).string();
}

namespace {

// An image reference, as opposed to a container id: ids have none of ":/@".
bool looks_like_image(const RuntimeOptions& o) {
  return !o.name.empty() || o.target.find_first_of(":/@") != std::string::npos;
}

std::string generated_id() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

// The annotations of a bundle generated from an image: the runtime owns it,
// and its rootfs/ is a snapshot of the snapshotter asked for (or the default).
std::map<std::string, std::string> bundle_annotations(const RuntimeOptions& o) {
  return {{lc::kOwnedBundleAnnotation, "true"},
          // Absolute, symlinks resolved: delete may run from anywhere.
          {lc::kBundleStoreAnnotation,
           std::filesystem::weakly_canonical(
               std::filesystem::absolute(oci::store::default_store_root(o.store)))
               .string()},
          {lc::kBundleSnapshotterAnnotation,
           o.snapshotter.empty() ? std::string(layerfs::kDefaultSnapshotter) : o.snapshotter}};
}

void warn_to_stderr(const std::string& warning) {
  std::fprintf(stderr, "lxcri: warning: %s\n", warning.c_str());
}

// A new bundle for `image_ref` under the store's bundles/ dir, made by
// `lxcri-image image bundle` (which holds all of the image code), whose
// errors reach the user on its stderr.
core::Result<std::string> bundle_from_image(const RuntimeOptions& o, const std::string& image_ref,
                                            const std::string& id) {
  std::filesystem::path bundles = oci::store::default_store_root(o.store) / "bundles";
  std::error_code ec;
  std::filesystem::create_directories(bundles, ec);
  std::string dir = (bundles / id).string();
  // Nothing must be left of a bundle this call began and did not finish
  // (lxcri-image removes its own on errors, not when it is killed).
  bool existed = std::filesystem::exists(dir, ec);
  std::string program = sibling_program("lxcri-image");
  // rootfs/ as a snapshot on the image's layers: a mount, not a copy.
  std::vector<std::string> args = {program, "image", "bundle", "--hostname", id, "--snapshot"};
  if (!o.store.empty()) args.insert(args.end(), {"--store", o.store});
  if (!o.platform.empty()) args.insert(args.end(), {"--platform", o.platform});
  if (!o.snapshotter.empty()) args.insert(args.end(), {"--snapshotter", o.snapshotter});
  args.insert(args.end(), {image_ref, dir, "--"});
  args.insert(args.end(), o.args.begin(), o.args.end());
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0)
    return core::Error(core::ErrorCode::kInternal, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(2, 1);  // its one-line summary is not the container's output
    ::execv(program.c_str(), argv.data());
    std::fprintf(stderr, "lxcri: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // lxcri-image releases its snapshot itself unless it was killed. Exit 5
    // (kExitExists): the directory is another create's, made meanwhile.
    const bool someone_elses = WIFEXITED(status) && WEXITSTATUS(status) == kExitExists;
    if (!existed && !someone_elses) {
      lc::remove_owned_bundle(dir, bundle_annotations(o), warn_to_stderr);
    }
    return core::Error(
        core::ErrorCode::kFailedPrecondition,
        "no bundle for image " + image_ref + " (lxcri-image exited with status " +
            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ")");
  }
  return dir;
}

// Fills id and bundle for create/run with an image; plain bundles pass.
core::Result<lc::CreateRequest> create_request(const RuntimeOptions& o, const std::string& image,
                                               const lc::TerminalSink& on_terminal) {
  lc::CreateRequest req;
  req.id = o.id;
  req.bundle = o.bundle;
  req.pid_file = o.pid_file;
  req.console_socket = o.console_socket;
  req.on_terminal = on_terminal;
  if (image.empty()) return req;
  if (auto s = runtime::state::check_container_id(req.id); !s) return s.error();
  auto bundle = bundle_from_image(o, image, req.id);
  if (!bundle) return bundle.error();
  req.bundle = bundle.value();
  req.extra_annotations = bundle_annotations(o);
  return req;
}

core::Result<runtime::state::ContainerState> create_with(const lc::RuntimeContext& ctx,
                                                         const RuntimeOptions& o,
                                                         const std::string& image,
                                                         const lc::TerminalSink& on_terminal = {}) {
  auto req = create_request(o, image, on_terminal);
  if (!req) return req.error();
  auto st = lc::create(ctx, req.value());
  if (!st && !image.empty()) {
    // Ours, and never used.
    lc::remove_owned_bundle(req.value().bundle, req.value().extra_annotations, warn_to_stderr);
  }
  return st;
}

// A terminal kept for this lxcri's own, in the foreground.
lc::TerminalSink keep_terminal(UniqueFd& kept) {
  return [&kept](int master) -> core::Status {
    kept = UniqueFd(::fcntl(master, F_DUPFD_CLOEXEC, 3));
    if (!kept.valid()) {
      return core::Error(core::ErrorCode::kInternal,
                         std::string("cannot keep the terminal: ") + std::strerror(errno));
    }
    return {};
  };
}

// exec's process: --process F, or the container's own with the flags.
core::Result<lc::ExecRequest> exec_request(const RuntimeOptions& o) {
  lc::ExecRequest req;
  req.id = o.id;
  req.pid_file = o.pid_file;
  req.console_socket = o.console_socket;
  auto refuse = [](const std::string& flag, const std::string& why) {
    return core::Error(core::ErrorCode::kInvalidArgument, why).with_field(flag);
  };
  if (o.preserve_fds != 0) return refuse("--preserve-fds", "passing descriptors is not supported");
  if (!o.process_label.empty()) return refuse("--process-label", "this host has no SELinux");
  if (!o.apparmor.empty() && o.apparmor != "unconfined") {
    return refuse("--apparmor", "this host has no AppArmor (only 'unconfined')");
  }
  if (!o.process_file.empty()) {
    if (!o.args.empty()) return refuse("--process", "give either --process or a program, not both");
    std::ifstream in(o.process_file, std::ios::binary);
    if (!in) {
      return core::Error(core::ErrorCode::kNotFound, "cannot read the process file")
          .with_file(o.process_file);
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto process = runtime::spec::parse_process(bytes, o.process_file);
    if (!process) return process.error();
    req.process = std::move(process).value();
    if (o.tty) req.process->terminal = true;
    return req;
  }
  req.overrides.args = o.args;
  req.overrides.env = o.env;
  req.overrides.cwd = o.cwd;
  req.overrides.user = o.user;
  req.overrides.additional_gids = o.additional_gids;
  req.overrides.capabilities = o.caps;
  if (o.no_new_privs) req.overrides.no_new_privileges = true;
  req.overrides.terminal = o.tty;
  return req;
}

}  // namespace

lc::RuntimeContext runtime_context(const RuntimeOptions& o, RuntimeLog& log) {
  lc::RuntimeContext ctx;
  ctx.root = o.root;
  ctx.self_binary = self_path();
  const char* init = std::getenv("LXCRI_INIT");
  ctx.init_binary = init && *init ? init : sibling_program("lxcri-init");
  ctx.debug = o.debug;
  ctx.warn = [&log](const std::string& message) { log.warn(message); };
  return ctx;
}

int create_container(const RuntimeOptions& o, RuntimeLog& log) {
  auto ctx = runtime_context(o, log);
  auto st = create_with(ctx, o, o.image);
  return st ? 0 : log.fail(st.error());
}

int start_container(const RuntimeOptions& o, RuntimeLog& log) {
  auto s = lc::start(runtime_context(o, log), o.id);
  return s ? 0 : log.fail(s.error());
}

int run_container(RuntimeOptions& o, RuntimeLog& log) {
  std::string image;
  if (looks_like_image(o)) {
    image = o.target;
    o.id = o.name.empty() ? generated_id() : o.name;
  } else {
    if (!o.args.empty()) {
      log.error("unexpected arguments after the container id (a program to run needs an image)");
      return 1;
    }
    o.id = o.target;
  }
  auto ctx = runtime_context(o, log);
  // Become the subreaper before create, so the init is reparented to us.
  if (!o.detach) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    forward_signals();
  }
  UniqueFd terminal;
  auto st = create_with(
      ctx, o, image,
      o.detach || !o.console_socket.empty() ? lc::TerminalSink() : keep_terminal(terminal));
  if (!st) return log.fail(st.error());
  if (auto s = lc::start(ctx, o.id); !s) {
    (void)lc::remove(ctx, o.id, true);
    return log.fail(s.error());
  }
  if (o.detach) return 0;
  int status = wait_in_foreground(st.value().pid, terminal.get());
  if (auto s = lc::remove(ctx, o.id, true); !s) log.warn(s.error().to_string());
  return status;
}

int kill_container(const RuntimeOptions& o, RuntimeLog& log) {
  auto sig = runtime::spec::parse_signal(o.signal);
  if (!sig) {
    log.error("invalid signal '" + o.signal + "'");
    return 1;
  }
  auto s = lc::kill(runtime_context(o, log), o.id, *sig, o.all);
  return s ? 0 : log.fail(s.error());
}

int delete_container(const RuntimeOptions& o, RuntimeLog& log) {
  auto s = lc::remove(runtime_context(o, log), o.id, o.force);
  // As runc: a forced delete of a container that is already gone succeeds
  // (containerd's shim cleans up after containers it may have deleted).
  if (!s && o.force && s.error().code() == core::ErrorCode::kNotFound) return 0;
  return s ? 0 : log.fail(s.error());
}

int pause_container(const RuntimeOptions& o, RuntimeLog& log) {
  auto s = lc::pause(runtime_context(o, log), o.id);
  return s ? 0 : log.fail(s.error());
}

int resume_container(const RuntimeOptions& o, RuntimeLog& log) {
  auto s = lc::resume(runtime_context(o, log), o.id);
  return s ? 0 : log.fail(s.error());
}

int exec_in_container(const RuntimeOptions& o, RuntimeLog& log) {
  // runc exits 255 when exec fails (1 is the program's own business).
  constexpr int kExecFailed = 255;
  auto req = exec_request(o);
  if (!req) {
    log.fail(req.error());
    return kExecFailed;
  }
  UniqueFd terminal;
  if (!o.detach) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);  // the process is reparented to us
    forward_signals();
    if (o.console_socket.empty()) req.value().on_terminal = keep_terminal(terminal);
  }
  auto pid = lc::exec(runtime_context(o, log), req.value());
  if (!pid) {
    log.fail(pid.error());
    return kExecFailed;
  }
  if (o.detach) return 0;
  return wait_in_foreground(pid.value(), terminal.get());
}

int run_runtime_hooks(const RuntimeOptions& o, RuntimeLog& log) {
  const char* pid = std::getenv("LXC_PID");
  if (!pid) {
    log.error("__hook is run by liblxc, which sets LXC_PID");
    return 1;
  }
  auto s = lc::run_runtime_hooks(runtime_context(o, log), o.id, o.bundle,
                                 static_cast<pid_t>(std::atoi(pid)));
  return s ? 0 : log.fail(s.error());
}

}  // namespace lxcri
