#include "oci/image_config.h"

#include <gtest/gtest.h>

#include "oci/rfc3339.h"
#include "test_documents.h"

namespace oci {
namespace {

using testing::FailsAt;
using testing::json;

core::Result<ImageConfig> parse_config_json(const json& j) {
  return parse_image_config(j.dump());
}

TEST(ImageConfigTest, ParsesTheSpecExample) {
  auto c = parse_config_json(testing::image_config());
  ASSERT_TRUE(c.is_ok()) << c.error().to_string();
  const ImageConfig& cfg = c.value();
  EXPECT_EQ(cfg.created, "2015-10-31T22:22:56.015925234Z");
  EXPECT_EQ(cfg.platform.os, "linux");
  EXPECT_EQ(cfg.platform.architecture, "amd64");
  EXPECT_EQ(cfg.config.user, "alice");
  EXPECT_EQ(cfg.config.exposed_ports, (std::vector<std::string>{"53/udp", "8080/tcp"}));
  EXPECT_EQ(cfg.config.env.size(), 2u);
  EXPECT_EQ(cfg.config.entrypoint, (std::vector<std::string>{"/bin/my-app-binary"}));
  ASSERT_TRUE(cfg.config.cmd.has_value());
  EXPECT_EQ(cfg.config.cmd->size(), 3u);
  EXPECT_EQ(cfg.config.volumes, std::vector<std::string>{"/var/job-result-data"});
  EXPECT_EQ(cfg.config.working_dir, "/home/alice");
  EXPECT_EQ(cfg.config.labels.size(), 1u);
  EXPECT_EQ(cfg.config.stop_signal, "SIGTERM");
  ASSERT_EQ(cfg.diff_ids.size(), 2u);
  EXPECT_EQ(cfg.diff_ids[0].str(), testing::kAbcSha256);
  ASSERT_EQ(cfg.history.size(), 2u);
  EXPECT_TRUE(cfg.history[1].empty_layer);
  EXPECT_FALSE(cfg.history[0].empty_layer);
}

TEST(ImageConfigTest, ReadsPlatformFieldsAtTheTopLevel) {
  json j = testing::image_config();
  j["architecture"] = "arm";
  j["variant"] = "v7";
  j["os.version"] = "10.0.14393.1066";
  j["os.features"] = {"win32k"};
  auto c = parse_config_json(j);
  ASSERT_TRUE(c.is_ok()) << c.error().to_string();
  EXPECT_EQ(c.value().platform.variant, "v7");
  EXPECT_EQ(c.value().platform.os_version, "10.0.14393.1066");
  EXPECT_EQ(c.value().platform.os_features, std::vector<std::string>{"win32k"});
}

TEST(ImageConfigTest, DockerNullsReadAsAbsent) {
  json j = testing::image_config();
  for (const char* key : {"Env", "Cmd", "Entrypoint", "Labels", "ExposedPorts", "Volumes"}) {
    j["config"][key] = nullptr;
  }
  auto c = parse_config_json(j);
  ASSERT_TRUE(c.is_ok()) << c.error().to_string();
  EXPECT_FALSE(c.value().config.cmd.has_value());
  EXPECT_FALSE(c.value().config.entrypoint.has_value());
  EXPECT_TRUE(c.value().config.env.empty());
  // An empty Entrypoint is not an absent one.
  j["config"]["Entrypoint"] = json::array();
  c = parse_config_json(j);
  ASSERT_TRUE(c.is_ok());
  ASSERT_TRUE(c.value().config.entrypoint.has_value());
  EXPECT_TRUE(c.value().config.entrypoint->empty());
  // A config without a `config` section is valid.
  j.erase("config");
  EXPECT_TRUE(parse_config_json(j).is_ok());
}

TEST(ImageConfigTest, RequiredFields) {
  for (const char* field : {"architecture", "os", "rootfs"}) {
    json j = testing::image_config();
    j.erase(field);
    EXPECT_TRUE(FailsAt(parse_config_json(j), field, "missing required field")) << field;
  }
  json j = testing::image_config();
  j["rootfs"].erase("diff_ids");
  EXPECT_TRUE(FailsAt(parse_config_json(j), "rootfs.diff_ids", "missing required field"));
  j = testing::image_config();
  j["rootfs"].erase("type");
  EXPECT_TRUE(FailsAt(parse_config_json(j), "rootfs.type", "missing required field"));
}

TEST(ImageConfigTest, RootfsMustBeLayersOfDigests) {
  json j = testing::image_config();
  j["rootfs"]["type"] = "tarball";
  EXPECT_TRUE(FailsAt(parse_config_json(j), "rootfs.type",
                      "expected \"layers\", found the string \"tarball\""));
  j = testing::image_config();
  j["rootfs"]["diff_ids"][1] = "sha256:nothex";
  EXPECT_TRUE(FailsAt(parse_config_json(j), "rootfs.diff_ids[1]", "lower-case hex"));
  j["rootfs"]["diff_ids"][1] = 12;
  EXPECT_TRUE(FailsAt(parse_config_json(j), "rootfs.diff_ids[1]", "expected a string"));
  j["rootfs"] = "layers";
  EXPECT_TRUE(FailsAt(parse_config_json(j), "rootfs", "expected an object"));
}

TEST(ImageConfigTest, ChecksTheConfigSection) {
  struct Case {
    const char* key;
    json value;
    std::string field;
    std::string needle;
  };
  const Case cases[] = {
      {"Env", {"PATH=/bin", "NOEQUALS"}, "config.Env[1]", "expected 'NAME=value'"},
      {"Env", {"=value"}, "config.Env[0]", "expected 'NAME=value'"},
      {"Env", "PATH=/bin", "config.Env", "expected an array"},
      {"Cmd", "sh -c true", "config.Cmd", "expected an array, found the string"},
      {"Entrypoint", {"/bin/sh", 1}, "config.Entrypoint[1]", "expected a string"},
      {"ExposedPorts", {{"http", json::object()}}, "config.ExposedPorts.http", "expected a port"},
      {"ExposedPorts",
       {{"70000/tcp", json::object()}},
       R"(config.ExposedPorts["70000/tcp"])",
       "expected a port"},
      {"ExposedPorts",
       {{"80/icmp", json::object()}},
       R"(config.ExposedPorts["80/icmp"])",
       "expected a port"},
      {"ExposedPorts",
       {{"80/tcp", "yes"}},
       R"(config.ExposedPorts["80/tcp"])",
       "expected an object ({})"},
      {"Volumes", {{"/data", 1}}, R"(config.Volumes["/data"])", "expected an object ({})"},
      {"Labels", {{"a", 1}}, "config.Labels.a", "expected a string"},
      {"User", 0, "config.User", "expected a string, found the number 0"},
      {"StopSignal", 15, "config.StopSignal", "expected a string"},
  };
  for (const Case& c : cases) {
    json j = testing::image_config();
    j["config"][c.key] = c.value;
    EXPECT_TRUE(FailsAt(parse_config_json(j), c.field, c.needle))
        << c.key << " = " << c.value.dump();
  }
  json j = testing::image_config();
  j["config"]["ExposedPorts"] = {{"8080", json::object()}, {"53/sctp", nullptr}};
  EXPECT_TRUE(parse_config_json(j).is_ok());
}

TEST(ImageConfigTest, CreatedIsRfc3339) {
  json j = testing::image_config();
  j["created"] = "2015-10-31 22:22:56";
  EXPECT_TRUE(FailsAt(parse_config_json(j), "created", "RFC 3339"));
  j = testing::image_config();
  j["history"][1]["created"] = "yesterday";
  EXPECT_TRUE(FailsAt(parse_config_json(j), "history[1].created", "RFC 3339"));
  j = testing::image_config();
  j["history"][0]["empty_layer"] = "true";
  EXPECT_TRUE(FailsAt(parse_config_json(j), "history[0].empty_layer", "expected a boolean"));
  j["history"] = {"step"};
  EXPECT_TRUE(FailsAt(parse_config_json(j), "history[0]", "expected an object"));
}

TEST(Rfc3339Test, AcceptsAndRefuses) {
  for (const char* ok :
       {"2015-10-31T22:22:56Z", "2015-10-31T22:22:56.015925234Z", "2019-01-01T00:00:00+01:00",
        "2019-01-01t00:00:00z", "2016-02-29T23:59:60-08:00", "0001-01-01T00:00:00Z"}) {
    EXPECT_TRUE(is_rfc3339(ok)) << ok;
  }
  for (const char* bad :
       {"", "2015-10-31", "2015-10-31T22:22:56", "2015-10-31 22:22:56Z", "2015-13-01T00:00:00Z",
        "2015-02-29T00:00:00Z", "2015-10-31T24:00:00Z", "2015-10-31T22:60:00Z",
        "2015-10-31T22:22:56.Z", "2015-10-31T22:22:56+0100", "2015-10-31T22:22:56+01:00x",
        "2015-10-31T22:22:56+24:00", "2015-1x-31T22:22:56Z"}) {
    EXPECT_FALSE(is_rfc3339(bad)) << bad;
  }
}

}  // namespace
}  // namespace oci
