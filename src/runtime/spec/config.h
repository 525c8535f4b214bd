// runtime/spec/config.h: an OCI runtime-spec config.json, parsed and validated.
//
// `parse_config` reads the bytes of a bundle's config.json into `Config`,
// checking every field it models: types, ranges, absolute paths, known
// capability, rlimit, namespace and seccomp names. A problem is an error with
// context().field set to the JSON path ("process.capabilities.bounding[3]").
// Fields the spec defines that this runtime cannot honour (intelRdt,
// personality, ...) are errors, never silently dropped; members the spec does
// not define at all are collected as warnings ("unknown field 'linux.foo'"),
// because vendors add their own and runc ignores them too.
//
// Capability sets are kept as bit masks over the kernel's numbering, rlimits
// as resource numbers: what the init helper hands to the kernel.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace runtime::spec {

struct User {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::optional<std::uint32_t> umask;
  std::vector<std::uint32_t> additional_gids;
};

// The five capability sets as masks (bit n = capability number n).
struct Capabilities {
  std::uint64_t bounding = 0;
  std::uint64_t effective = 0;
  std::uint64_t inheritable = 0;
  std::uint64_t permitted = 0;
  std::uint64_t ambient = 0;
};

struct Rlimit {
  int resource = 0;  // RLIMIT_*
  std::string type;  // as written: "RLIMIT_NOFILE"
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};

// process.consoleSize: the terminal's initial size.
struct ConsoleSize {
  std::uint32_t height = 0;
  std::uint32_t width = 0;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd;
  User user;
  // Absent means "no capability handling asked for": the runtime keeps the
  // defaults (all caps for root), as runc does.
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::optional<int> oom_score_adj;
};

struct Root {
  std::string path;  // as written; relative to the bundle unless absolute
  bool readonly = false;
};

struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout_seconds;
};

struct Hooks {
  std::vector<Hook> prestart;
  std::vector<Hook> create_runtime;
  std::vector<Hook> create_container;
  std::vector<Hook> start_container;
  std::vector<Hook> poststart;
  std::vector<Hook> poststop;
};

struct Namespace {
  std::string type;  // pid network mount ipc uts user cgroup time
  std::string path;  // empty: create a new one
};

struct IdMapping {
  std::uint32_t container_id = 0;
  std::uint32_t host_id = 0;
  std::uint32_t size = 0;
};

// A device node to create in the container.
struct Device {
  std::string path;
  char type = 'c';  // c, b, u (unbuffered char) or p (fifo)
  std::int64_t major = 0;
  std::int64_t minor = 0;
  std::optional<std::uint32_t> file_mode;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
};

// A devices cgroup rule.
struct DeviceRule {
  bool allow = false;
  char type = 'a';                    // a, c or b
  std::optional<std::int64_t> major;  // absent: all
  std::optional<std::int64_t> minor;
  std::string access;  // some of "rwm"; empty means "rwm"
};

struct Resources {
  std::vector<DeviceRule> devices;
  std::optional<std::int64_t> memory_limit;
  std::optional<std::int64_t> memory_reservation;
  std::optional<std::int64_t> memory_swap;
  std::optional<std::int64_t> memory_kernel;      // cgroup v1 kmem (deprecated)
  std::optional<std::int64_t> memory_kernel_tcp;  // cgroup v1 kmem.tcp
  std::optional<std::uint64_t> memory_swappiness;
  bool disable_oom_killer = false;
  std::optional<std::uint64_t> cpu_shares;
  std::optional<std::int64_t> cpu_quota;
  std::optional<std::uint64_t> cpu_period;
  std::string cpuset_cpus;
  std::string cpuset_mems;
  std::optional<std::int64_t> pids_limit;
};

struct SeccompArg {
  std::uint32_t index = 0;
  std::uint64_t value = 0;
  std::uint64_t value_two = 0;
  std::string op;  // SCMP_CMP_EQ, ...
};

struct SeccompRule {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_ERRNO, ...
  std::optional<std::uint32_t> errno_ret;
  std::vector<SeccompArg> args;
};

struct Seccomp {
  std::string default_action;
  std::optional<std::uint32_t> default_errno_ret;
  std::vector<std::string> architectures;  // SCMP_ARCH_X86_64, ...
  std::vector<std::string> flags;
  std::vector<SeccompRule> syscalls;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
  std::vector<Device> devices;
  std::string cgroups_path;
  Resources resources;
  std::map<std::string, std::string> sysctl;
  std::optional<Seccomp> seccomp;
  std::string rootfs_propagation;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;

  const Namespace* find_namespace(std::string_view type) const;
};

struct Config {
  std::string oci_version;
  std::optional<Process> process;
  Root root;
  std::string hostname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  Linux linux;
  // Members the spec does not define, as warnings for the log.
  std::vector<std::string> warnings;
};

// Parses and validates config.json bytes. `file` names the file in errors.
core::Result<Config> parse_config(std::string_view bytes, const std::string& file);

// Parses and validates one process object, as `exec --process F` reads it:
// the same rules as config.json's `process`, with field paths relative to it.
core::Result<Process> parse_process(std::string_view bytes, const std::string& file);

// Reads and parses `path` (refusing files over 4 MiB).
core::Result<Config> load_config(const std::string& path);

}  // namespace runtime::spec
