// runtime/spec: config.json parsing and validation, field by field.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <functional>

#include <nlohmann/json.hpp>

#include "runtime/spec/config.h"
#include "runtime/spec/default_spec.h"
#include "runtime/spec/names.h"

namespace runtime::spec {
namespace {

using nlohmann::json;

core::Result<Config> parse(const json& j) {
  return parse_config(j.dump(), "config.json");
}

// Parses the default spec after `edit`, expecting an error at `field`
// whose message contains `text`.
void expect_error(const std::function<void(json&)>& edit, const std::string& field,
                  const std::string& text) {
  json j = default_spec();
  edit(j);
  auto c = parse(j);
  ASSERT_FALSE(c.is_ok()) << "accepted: " << j.dump();
  EXPECT_EQ(c.error().context().field, field) << c.error().to_string();
  EXPECT_NE(c.error().message().find(text), std::string::npos) << c.error().to_string();
  EXPECT_EQ(c.error().context().file, "config.json");
}

TEST(SpecConfig, DefaultSpecParsesIntoTheModel) {
  auto c = parse(default_spec());
  ASSERT_TRUE(c.is_ok()) << c.error().to_string();
  const Config& cfg = c.value();
  ASSERT_TRUE(cfg.process.has_value());
  EXPECT_EQ(cfg.process->args, std::vector<std::string>{"sh"});
  EXPECT_EQ(cfg.process->cwd, "/");
  ASSERT_TRUE(cfg.process->capabilities.has_value());
  std::uint64_t want =
      (1ull << 29) | (1ull << 5) | (1ull << 10);  // AUDIT_WRITE, KILL, NET_BIND_SERVICE
  EXPECT_EQ(cfg.process->capabilities->bounding, want);
  EXPECT_EQ(cfg.process->capabilities->inheritable, 0u);
  ASSERT_EQ(cfg.process->rlimits.size(), 1u);
  EXPECT_EQ(cfg.process->rlimits[0].soft, 1024u);
  EXPECT_TRUE(cfg.process->no_new_privileges);
  EXPECT_TRUE(cfg.root.readonly);
  EXPECT_EQ(cfg.mounts.size(), 7u);
  EXPECT_NE(cfg.linux.find_namespace("mount"), nullptr);
  EXPECT_EQ(cfg.linux.find_namespace("user"), nullptr);
  ASSERT_EQ(cfg.linux.resources.devices.size(), 1u);
  EXPECT_FALSE(cfg.linux.resources.devices[0].allow);
  EXPECT_EQ(cfg.linux.masked_paths.size(), 10u);
  EXPECT_TRUE(cfg.warnings.empty());
}

TEST(SpecConfig, RootlessSpecMapsTheCaller) {
  auto c = parse(default_spec({true}));
  ASSERT_TRUE(c.is_ok()) << c.error().to_string();
  ASSERT_EQ(c.value().linux.uid_mappings.size(), 1u);
  EXPECT_EQ(c.value().linux.uid_mappings[0].container_id, 0u);
  EXPECT_NE(c.value().linux.find_namespace("user"), nullptr);
}

TEST(SpecConfig, ReadsResourcesSeccompHooksAndDevices) {
  json j = default_spec();
  j["linux"]["resources"]["memory"] = {{"limit", 1 << 20}, {"swap", -1}};
  j["linux"]["resources"]["cpu"] = {{"shares", 512}, {"quota", -1}, {"cpus", "0-1"}};
  j["linux"]["resources"]["pids"] = {{"limit", 10}};
  j["linux"]["devices"] = {
      {{"path", "/dev/x"}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"fileMode", 0644}}};
  j["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                           {"syscalls",
                            {{{"names", {"mkdir"}},
                              {"action", "SCMP_ACT_ERRNO"},
                              {"args", {{{"index", 1}, {"value", 2}, {"op", "SCMP_CMP_EQ"}}}}}}}};
  j["hooks"]["poststart"] = {{{"path", "/bin/true"}, {"args", {"true", "x"}}, {"timeout", 5}}};
  auto c = parse(j);
  ASSERT_TRUE(c.is_ok()) << c.error().to_string();
  const auto& r = c.value().linux.resources;
  EXPECT_EQ(*r.memory_limit, 1 << 20);
  EXPECT_EQ(*r.memory_swap, -1);
  EXPECT_EQ(*r.cpu_shares, 512u);
  EXPECT_EQ(r.cpuset_cpus, "0-1");
  EXPECT_EQ(*r.pids_limit, 10);
  ASSERT_EQ(c.value().linux.devices.size(), 1u);
  EXPECT_EQ(*c.value().linux.devices[0].file_mode, 0644u);
  ASSERT_TRUE(c.value().linux.seccomp.has_value());
  EXPECT_EQ(c.value().linux.seccomp->syscalls[0].args[0].index, 1u);
  ASSERT_EQ(c.value().hooks.poststart.size(), 1u);
  EXPECT_EQ(*c.value().hooks.poststart[0].timeout_seconds, 5);
}

TEST(SpecConfig, UnknownFieldsAreWarningsNamingTheirPath) {
  json j = default_spec();
  j["linux"]["vendorExtension"] = true;
  j["process"]["user"]["nickname"] = "x";
  auto c = parse(j);
  ASSERT_TRUE(c.is_ok()) << c.error().to_string();
  ASSERT_EQ(c.value().warnings.size(), 2u);
  EXPECT_NE(c.value().warnings[0].find("process.user.nickname"), std::string::npos);
  EXPECT_NE(c.value().warnings[1].find("linux.vendorExtension"), std::string::npos);
}

TEST(SpecConfig, MalformedJsonIsAnErrorNamingTheFile) {
  auto c = parse_config("{\"ociVersion\": ", "bundle/config.json");
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.error().context().file, "bundle/config.json");
  EXPECT_FALSE(parse_config("[]", "c.json").is_ok());
  EXPECT_FALSE(parse_config("", "c.json").is_ok());
}

TEST(SpecConfig, BadFieldsNameTheirPath) {
  expect_error([](json& j) { j.erase("ociVersion"); }, "ociVersion", "missing");
  expect_error([](json& j) { j["ociVersion"] = "0.9"; }, "ociVersion", "unsupported version");
  expect_error([](json& j) { j.erase("root"); }, "root", "missing");
  expect_error([](json& j) { j["root"]["path"] = ""; }, "root.path", "empty");
  expect_error([](json& j) { j["process"]["args"] = json::array(); }, "process.args", "program");
  expect_error([](json& j) { j["process"]["args"] = "sh"; }, "process.args", "array");
  expect_error([](json& j) { j["process"]["env"] = {"NOEQUALS"}; }, "process.env[0]", "NAME=VALUE");
  expect_error([](json& j) { j["process"]["cwd"] = "tmp"; }, "process.cwd", "absolute");
  expect_error([](json& j) { j["process"]["user"]["uid"] = -1; }, "process.user.uid", "");
  expect_error([](json& j) { j["process"]["user"]["gid"] = 1ll << 33; }, "process.user.gid",
               "32-bit");
  expect_error([](json& j) { j["process"]["capabilities"]["ambient"] = {"CAP_FLY"}; },
               "process.capabilities.ambient[0]", "unknown capability");
  expect_error([](json& j) { j["process"]["rlimits"][0]["type"] = "RLIMIT_X"; },
               "process.rlimits[0].type", "unknown rlimit");
  expect_error([](json& j) { j["process"]["rlimits"].push_back(j["process"]["rlimits"][0]); },
               "process.rlimits[1].type", "twice");
  expect_error([](json& j) { j["process"]["oomScoreAdj"] = 1001; }, "process.oomScoreAdj",
               "[-1000, 1000]");
  expect_error([](json& j) { j["process"]["apparmorProfile"] = "docker-default"; },
               "process.apparmorProfile", "no AppArmor");
  expect_error([](json& j) { j["mounts"][0]["destination"] = "proc"; }, "mounts[0].destination",
               "absolute");
  expect_error(
      [](json& j) {
        j["mounts"].push_back({{"destination", "/x"}});
      },
      "mounts[7]", "type");
  expect_error(
      [](json& j) {
        j["mounts"].push_back({{"destination", "/x"}, {"options", {"bind"}}});
      },
      "mounts[7].source", "bind mount needs a source");
  expect_error(
      [](json& j) {
        j["linux"]["namespaces"].push_back({{"type", "pid"}});
      },
      "linux.namespaces[5].type", "twice");
  expect_error(
      [](json& j) {
        j["linux"]["namespaces"].push_back({{"type", "bogus"}});
      },
      "linux.namespaces[5].type", "unknown namespace");
  expect_error([](json& j) { j["linux"]["namespaces"][0]["path"] = "proc/1/ns/pid"; },
               "linux.namespaces[0].path", "absolute");
  expect_error(
      [](json& j) {
        j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
      },
      "linux.uidMappings", "user namespace");
  expect_error(
      [](json& j) {
        j["linux"]["devices"] = {{{"path", "/dev/x"}, {"type", "z"}, {"major", 1}, {"minor", 1}}};
      },
      "linux.devices[0].type", "one of c, b, u, p");
  expect_error([](json& j) { j["linux"]["resources"]["devices"][0]["access"] = "rwx"; },
               "linux.resources.devices[0].access", "rwm");
  expect_error([](json& j) { j["mounts"][0]["destination"] = "/dev/../../etc"; },
               "mounts[0].destination", "'..'");
  expect_error([](json& j) { j["linux"]["cgroupsPath"] = "/a/../../b"; }, "linux.cgroupsPath",
               "plain path");
  expect_error([](json& j) { j["linux"]["cgroupsPath"] = "system.slice:lxcri:c1"; },
               "linux.cgroupsPath", "systemd");
  expect_error([](json& j) { j["linux"]["rootfsPropagation"] = "sideways"; },
               "linux.rootfsPropagation", "unknown propagation");
  expect_error(
      [](json& j) {
        j["linux"]["namespaces"] = {{{"type", "mount"}}};
      },
      "hostname", "uts namespace");
}

TEST(SpecConfig, FieldsTheRuntimeCannotHonourAreRefused) {
  expect_error(
      [](json& j) {
        j["linux"]["intelRdt"] = {{"closID", "x"}};
      },
      "linux.intelRdt", "not supported");
  expect_error(
      [](json& j) {
        j["linux"]["resources"]["hugepageLimits"] = {{{"pageSize", "2MB"}, {"limit", 1}}};
      },
      "linux.resources.hugepageLimits", "not supported");
  expect_error(
      [](json& j) {
        j["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_RT"}};
      },
      "process.ioPriority", "not supported");
  expect_error([](json& j) { j["linux"]["resources"]["memory"]["swappiness"] = 101; },
               "linux.resources.memory.swappiness", "[0, 100]");
  // Empty values of those fields are fine (containerd sends some empty).
  json j = default_spec();
  j["linux"]["intelRdt"] = nullptr;
  j["linux"]["resources"]["hugepageLimits"] = json::array();
  EXPECT_TRUE(parse(j).is_ok());
}

TEST(SpecNames, SignalsAsKillAcceptsThem) {
  EXPECT_EQ(parse_signal("9"), 9);
  EXPECT_EQ(parse_signal("KILL"), 9);
  EXPECT_EQ(parse_signal("SIGKILL"), 9);
  EXPECT_EQ(parse_signal("sigterm"), 15);
  EXPECT_EQ(parse_signal("TERM"), 15);
  EXPECT_EQ(parse_signal("RTMIN+2"), SIGRTMIN + 2);
  EXPECT_EQ(parse_signal("RTMAX-1"), SIGRTMAX - 1);
  for (const char* bad :
       {"", "0", "-9", "65", "SIGNOPE", "KILLER", "9x", "RTMIN+99", "RTMAX+1", " 9"}) {
    EXPECT_FALSE(parse_signal(bad).has_value()) << bad;
  }
}

TEST(SpecNames, CapabilitiesAndRlimits) {
  EXPECT_EQ(capability_number("CAP_CHOWN"), 0);
  EXPECT_EQ(capability_number("CAP_SYS_ADMIN"), 21);
  EXPECT_EQ(capability_number("CAP_CHECKPOINT_RESTORE"), 40);
  EXPECT_FALSE(capability_number("cap_chown").has_value());
  EXPECT_EQ(capability_names().size(), 41u);
  EXPECT_GE(last_capability(), 36);
  EXPECT_EQ(rlimit_number("RLIMIT_NOFILE"), RLIMIT_NOFILE);
  EXPECT_FALSE(rlimit_number("NOFILE").has_value());
}

}  // namespace
}  // namespace runtime::spec
