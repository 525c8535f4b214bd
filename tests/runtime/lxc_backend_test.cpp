// runtime/lxc: the config translated to liblxc items, the init plan's
// encoding, and seccomp profiles compiled to BPF.
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "runtime/lxc/init_plan.h"
#include "runtime/lxc/lxc_config.h"
#include "runtime/lxc/seccomp_filter.h"
#include "runtime/spec/default_spec.h"

namespace runtime::lxc {
namespace {

using nlohmann::json;

class LxcConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bundle_ =
        std::filesystem::temp_directory_path() / ("lxc-config-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(bundle_ / "rootfs");
    // The translation names the rootfs by its real path.
    bundle_ = std::filesystem::canonical(bundle_);
    std::filesystem::create_directories(bundle_ / "data");
    paths_.bundle = bundle_.string();
    paths_.init_dir = "/run/lxcri/c1/init";
    paths_.init_binary = "/usr/lib/lxcri/lxcri-init";
    paths_.cgroup_container = "lxcri/c1";
    paths_.cgroup_monitor = "lxcri.monitor/c1";
    paths_.log_file = "/run/lxcri/c1/lxc.log";
  }
  void TearDown() override { std::filesystem::remove_all(bundle_); }

  ConfigItems items(const json& j) {
    auto c = spec::parse_config(j.dump(), "config.json");
    EXPECT_TRUE(c.is_ok()) << c.error().to_string();
    auto r = lxc_config(c.value(), paths_);
    EXPECT_TRUE(r.is_ok()) << r.error().to_string();
    return r.is_ok() ? r.value() : ConfigItems{};
  }
  static std::vector<std::string> values(const ConfigItems& items, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& [k, v] : items) {
      if (k == key) out.push_back(v);
    }
    return out;
  }

  std::filesystem::path bundle_;
  HostPaths paths_;
};

TEST_F(LxcConfigTest, DefaultSpecBecomesTheExpectedItems) {
  ConfigItems it = items(spec::default_spec());
  EXPECT_EQ(values(it, "lxc.rootfs.path"),
            std::vector<std::string>{"dir:" + bundle_.string() + "/rootfs"});
  EXPECT_EQ(values(it, "lxc.rootfs.managed"), std::vector<std::string>{"0"});
  EXPECT_EQ(values(it, "lxc.namespace.clone"), std::vector<std::string>{"ipc mnt net pid uts"});
  EXPECT_EQ(values(it, "lxc.uts.name"), std::vector<std::string>{"lxcri"});
  EXPECT_EQ(values(it, "lxc.monitor.signal.pdeath"), std::vector<std::string>{"0"});
  EXPECT_EQ(values(it, "lxc.apparmor.profile"), std::vector<std::string>{"unconfined"});
  EXPECT_EQ(values(it, "lxc.hook.post-stop"), std::vector<std::string>{""});
  EXPECT_EQ(values(it, "lxc.autodev"), std::vector<std::string>{"0"});
  EXPECT_EQ(values(it, "lxc.init.cmd"), std::vector<std::string>{"/dev/.lxcri/init"});
  EXPECT_EQ(values(it, "lxc.mount.auto"), std::vector<std::string>{"cgroup:ro"});
  EXPECT_EQ(values(it, "lxc.prlimit.nofile"), std::vector<std::string>{"1024:1024"});
  EXPECT_EQ(values(it, "lxc.cgroup.dir.container"), std::vector<std::string>{"lxcri/c1"});
  // No start-host hook without prestart/createRuntime hooks.
  EXPECT_TRUE(values(it, "lxc.hook.start-host").empty());
  auto mounts = values(it, "lxc.mount.entry");
  // The config's mounts in order (the /dev tmpfs is followed by the default
  // devices bound from the host), then the helper's directory and binary.
  ASSERT_EQ(mounts.size(), 15u);
  EXPECT_EQ(mounts[0], "proc proc proc defaults 0 0");
  EXPECT_EQ(mounts[1], "tmpfs dev tmpfs nosuid,strictatime,mode=755,size=65536k 0 0");
  EXPECT_EQ(mounts[2], "/dev/null dev/null none bind,create=file 0 0");
  EXPECT_EQ(mounts[8],
            "devpts dev/pts devpts "
            "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5,create=dir 0 0");
  // devpts twice: liblxc unmounts the top one (see lxc_config.cpp).
  EXPECT_EQ(mounts[9], mounts[8]);
  EXPECT_EQ(mounts[12], "sysfs sys sysfs nosuid,noexec,nodev,ro 0 0");
  EXPECT_EQ(mounts[13], "/run/lxcri/c1/init dev/.lxcri none bind,ro,nosuid,nodev,create=dir 0 0");
  EXPECT_EQ(mounts[14], "/usr/lib/lxcri/lxcri-init dev/.lxcri/init none bind,ro,nosuid,nodev 0 0");
  // The mount points the rootfs lacked were made (inside it).
  EXPECT_TRUE(std::filesystem::is_directory(bundle_ / "rootfs/proc"));
  EXPECT_TRUE(std::filesystem::is_directory(bundle_ / "rootfs/sys"));
  // Deny all, then the default devices runc allows.
  auto deny = values(it, "lxc.cgroup.devices.deny");
  EXPECT_EQ(deny, std::vector<std::string>{"a"});
  auto allow = values(it, "lxc.cgroup.devices.allow");
  EXPECT_NE(std::find(allow.begin(), allow.end(), "c 1:3 rwm"), allow.end());
  EXPECT_NE(std::find(allow.begin(), allow.end(), "c 136:* rwm"), allow.end());
}

TEST_F(LxcConfigTest, BindMountsResolveAgainstTheBundleAndEscapeSpaces) {
  json j = spec::default_spec();
  std::filesystem::create_directories(bundle_ / "with space");
  j["mounts"] = {{{"destination", "/data"},
                  {"type", "bind"},
                  {"source", "data"},
                  {"options", {"rbind", "ro"}}},
                 {{"destination", "/in space"},
                  {"type", "none"},
                  {"source", (bundle_ / "with space").string()},
                  {"options", {"bind"}}}};
  auto mounts = values(items(j), "lxc.mount.entry");
  // A /dev tmpfs and its devices come first when the config has none.
  EXPECT_EQ(mounts[0], "tmpfs dev tmpfs nosuid,strictatime,mode=755,size=65536k 0 0");
  EXPECT_EQ(mounts[7], bundle_.string() + "/data data none rbind,ro 0 0");
  EXPECT_EQ(mounts[8], bundle_.string() + "/with\\040space in\\040space none bind 0 0");
  EXPECT_TRUE(std::filesystem::is_directory(bundle_ / "rootfs/in space"));
}

TEST_F(LxcConfigTest, MountPointsNeverLeaveTheRootThroughSymlinks) {
  // The image's /evil points at a host directory; its /file at a host file.
  std::filesystem::path host = bundle_ / "host-target";
  std::filesystem::create_directories(host);
  std::filesystem::create_symlink(host, bundle_ / "rootfs/evil");
  std::filesystem::create_symlink("../../../../../etc/passwd-lxcri-test", bundle_ / "rootfs/file");
  std::filesystem::create_directories(bundle_ / "data");
  { std::ofstream f(bundle_ / "a-file"); }
  json j = spec::default_spec();
  j["mounts"] = {
      {{"destination", "/evil/sub/dir"},
       {"type", "bind"},
       {"source", "data"},
       {"options", {"rbind"}}},
      {{"destination", "/file"}, {"type", "bind"}, {"source", "a-file"}, {"options", {"bind"}}}};
  auto mounts = values(items(j), "lxc.mount.entry");
  // Everything was made inside the rootfs, where the links point when the
  // rootfs is "/"; the entries name those real paths.
  EXPECT_TRUE(std::filesystem::is_empty(host));
  EXPECT_FALSE(std::filesystem::exists("/etc/passwd-lxcri-test"));
  std::string inner = host.relative_path().string();  // the link's target, under the rootfs
  EXPECT_TRUE(std::filesystem::is_directory(bundle_ / "rootfs" / inner / "sub/dir"));
  EXPECT_TRUE(std::filesystem::is_regular_file(bundle_ / "rootfs/etc/passwd-lxcri-test"));
  EXPECT_EQ(mounts[7], bundle_.string() + "/data " + inner + "/sub/dir none rbind 0 0");
  EXPECT_EQ(mounts[8], bundle_.string() + "/a-file etc/passwd-lxcri-test none bind 0 0");
}

TEST_F(LxcConfigTest, ResourcesSysctlAndHooks) {
  json j = spec::default_spec();
  j["linux"]["resources"]["memory"] = {{"limit", 1048576}, {"reservation", 524288}};
  j["linux"]["resources"]["cpu"] = {
      {"shares", 512}, {"quota", 20000}, {"period", 100000}, {"cpus", "0"}};
  j["linux"]["resources"]["pids"] = {{"limit", 0}};
  j["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};
  j["hooks"]["createRuntime"] = {{{"path", "/bin/true"}}};
  j["process"]["oomScoreAdj"] = 100;
  j["process"]["rlimits"] = {
      {{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 18446744073709551615ull}}};
  paths_.hook_command = "'/usr/bin/lxcri' __hook";
  ConfigItems it = items(j);
  EXPECT_EQ(values(it, "lxc.cgroup.memory.limit_in_bytes"), std::vector<std::string>{"1048576"});
  EXPECT_EQ(values(it, "lxc.cgroup.memory.soft_limit_in_bytes"),
            std::vector<std::string>{"524288"});
  EXPECT_EQ(values(it, "lxc.cgroup.cpu.shares"), std::vector<std::string>{"512"});
  EXPECT_EQ(values(it, "lxc.cgroup.cpu.cfs_quota_us"), std::vector<std::string>{"20000"});
  EXPECT_EQ(values(it, "lxc.cgroup.cpuset.cpus"), std::vector<std::string>{"0"});
  EXPECT_EQ(values(it, "lxc.cgroup.pids.max"), std::vector<std::string>{"max"});
  EXPECT_EQ(values(it, "lxc.sysctl.net.ipv4.ip_forward"), std::vector<std::string>{"1"});
  EXPECT_EQ(values(it, "lxc.hook.start-host"), std::vector<std::string>{"'/usr/bin/lxcri' __hook"});
  EXPECT_EQ(values(it, "lxc.proc.oom_score_adj"), std::vector<std::string>{"100"});
  EXPECT_EQ(values(it, "lxc.prlimit.core"), std::vector<std::string>{"0:unlimited"});
}

TEST_F(LxcConfigTest, NamespacePathsAndMissingThings) {
  json j = spec::default_spec();
  std::string me = std::to_string(::getpid());
  j["linux"]["namespaces"][1]["path"] = "/proc/" + me + "/ns/net";
  ConfigItems it = items(j);
  EXPECT_EQ(values(it, "lxc.namespace.share.net"), std::vector<std::string>{me});
  EXPECT_EQ(values(it, "lxc.namespace.clone"), std::vector<std::string>{"ipc mnt pid uts"});

  auto translate = [&](const json& bad) {
    auto c = spec::parse_config(bad.dump(), "config.json");
    EXPECT_TRUE(c.is_ok());
    return lxc_config(c.value(), paths_);
  };
  // Any other path to the namespace is joined through a process in it.
  json by_task = spec::default_spec();
  by_task["linux"]["namespaces"][1]["path"] = "/proc/" + me + "/task/" + me + "/ns/net";
  auto r = translate(by_task);
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  auto holder = values(r.value(), "lxc.namespace.share.net");
  ASSERT_EQ(holder.size(), 1u);
  struct stat mine, theirs;
  ASSERT_EQ(::stat(("/proc/" + me + "/ns/net").c_str(), &mine), 0);
  ASSERT_EQ(::stat(("/proc/" + holder[0] + "/ns/net").c_str(), &theirs), 0);
  EXPECT_EQ(mine.st_ino, theirs.st_ino);
  json missing = spec::default_spec();
  missing["linux"]["namespaces"][1]["path"] = "/run/netns/no-such-namespace";
  r = translate(missing);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(r.error().context().field, "linux.namespaces");
  json no_rootfs = spec::default_spec();
  no_rootfs["root"]["path"] = "missing";
  r = translate(no_rootfs);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "root.path");
  json missing_source = spec::default_spec();
  missing_source["mounts"].push_back(
      {{"destination", "/x"}, {"type", "bind"}, {"source", "/no/such/dir"}});
  r = translate(missing_source);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "mounts[7].source");
}

TEST(InitPlan, RoundTripsEveryField) {
  InitPlan p;
  p.args = {"sh", "-c", "echo 'a\nb'"};
  p.env = {"A=1", "EMPTY="};
  p.cwd = "/srv";
  p.uid = 1000;
  p.gid = 1001;
  p.additional_gids = {5, 6};
  p.umask = 022;
  p.set_capabilities = true;
  p.capabilities[0] = 0x421;
  p.capabilities[4] = 0x20;
  p.no_new_privileges = true;
  p.seccomp = true;
  p.devices = {{"/dev/x", 'b', 8, 1, 0600, 1, 2}};
  p.masked_paths = {"/proc/kcore"};
  p.readonly_paths = {"/proc/sys"};
  p.readonly_root = true;
  p.rootfs_propagation = "rslave";
  p.create_container_hooks = {{"/bin/hook", {"hook", "x"}, {"K=V"}, 3}};
  p.start_container_hooks = {{"/bin/other", {}, {}, 0}};
  p.terminal = true;
  p.console_height = 40;
  p.console_width = 120;
  std::string bytes = encode(p);
  InitPlan q;
  std::string error;
  ASSERT_TRUE(decode(bytes, q, error)) << error;
  EXPECT_EQ(q.args, p.args);
  EXPECT_EQ(q.env, p.env);
  EXPECT_EQ(q.cwd, "/srv");
  EXPECT_EQ(q.additional_gids, p.additional_gids);
  EXPECT_EQ(*q.umask, 022u);
  EXPECT_EQ(q.capabilities[0], 0x421u);
  EXPECT_EQ(q.capabilities[4], 0x20u);
  EXPECT_TRUE(q.no_new_privileges && q.seccomp && q.readonly_root);
  EXPECT_EQ(q.rootfs_propagation, "rslave");
  ASSERT_EQ(q.devices.size(), 1u);
  EXPECT_EQ(q.devices[0].type, 'b');
  EXPECT_EQ(q.devices[0].gid, 2u);
  EXPECT_EQ(q.create_container_hooks[0].env, std::vector<std::string>{"K=V"});
  EXPECT_EQ(q.create_container_hooks[0].timeout_seconds, 3);
  EXPECT_EQ(q.start_container_hooks[0].path, "/bin/other");
  EXPECT_TRUE(q.terminal);
  EXPECT_EQ(q.console_height, 40u);
  EXPECT_EQ(q.console_width, 120u);
}

TEST(InitPlan, TruncatedOrForeignBytesAreRefused) {
  InitPlan p;
  p.args = {"true"};
  p.cwd = "/";
  std::string bytes = encode(p);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    InitPlan q;
    std::string error;
    EXPECT_FALSE(decode(std::string_view(bytes).substr(0, cut), q, error))
        << "accepted " << cut << " bytes";
  }
  InitPlan q;
  std::string error;
  EXPECT_FALSE(decode(bytes + "extra", q, error));
  EXPECT_FALSE(decode("lxcri-init-plan 0", q, error));
  EXPECT_NE(error.find("version"), std::string::npos);
}

TEST(Seccomp, CompilesAProfileToBpf) {
  spec::Seccomp s;
  s.default_action = "SCMP_ACT_ALLOW";
  s.architectures = {"SCMP_ARCH_X86_64"};
  s.syscalls = {{{"mkdir", "not_a_syscall"}, "SCMP_ACT_ERRNO", 1, {}},
                {{"personality"}, "SCMP_ACT_ERRNO", std::nullopt, {{0, 8, 0, "SCMP_CMP_EQ"}}}};
  std::vector<std::string> warnings;
  auto bpf = compile_seccomp(s, warnings);
  ASSERT_TRUE(bpf.is_ok()) << bpf.error().to_string();
  EXPECT_GT(bpf.value().size(), 4 * sizeof(sock_filter));
  EXPECT_EQ(bpf.value().size() % sizeof(sock_filter), 0u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("not_a_syscall"), std::string::npos);
}

TEST(Seccomp, BadProfilesNameTheField) {
  auto compile = [](spec::Seccomp s) {
    std::vector<std::string> w;
    return compile_seccomp(s, w);
  };
  spec::Seccomp s;
  s.default_action = "SCMP_ACT_NOTHING";
  auto r = compile(s);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "linux.seccomp.defaultAction");
  s.default_action = "SCMP_ACT_ALLOW";
  s.architectures = {"SCMP_ARCH_PDP11"};
  r = compile(s);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "linux.seccomp.architectures[0]");
  s.architectures.clear();
  s.syscalls = {{{"mkdir"}, "SCMP_ACT_ERRNO", 1, {{7, 0, 0, "SCMP_CMP_EQ"}}}};
  r = compile(s);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "linux.seccomp.syscalls[0].args[0].index");
  s.syscalls = {{{"mkdir"}, "SCMP_ACT_ERRNO", 1, {{0, 0, 0, "SCMP_CMP_SOMETIMES"}}}};
  r = compile(s);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().context().field, "linux.seccomp.syscalls[0].args[0].op");
}

}  // namespace
}  // namespace runtime::lxc
