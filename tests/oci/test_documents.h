// tests/oci/test_documents.h: valid OCI and Docker documents to start from;
// each test breaks one thing in a copy and checks the error names it.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace oci::testing {

using nlohmann::json;

inline constexpr const char* kEmptySha256 =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr const char* kAbcSha256 =
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// `{}`, the empty descriptor's content (image-spec v1.1).
inline constexpr const char* kEmptyJsonSha256 =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

inline json descriptor(const std::string& media_type, const std::string& digest = kAbcSha256,
                       std::int64_t size = 3) {
  return json{{"mediaType", media_type}, {"digest", digest}, {"size", size}};
}

inline json oci_manifest() {
  return json{
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
      {"config", descriptor("application/vnd.oci.image.config.v1+json", kEmptySha256, 0)},
      {"layers",
       json::array({descriptor("application/vnd.oci.image.layer.v1.tar+gzip"),
                    descriptor("application/vnd.oci.image.layer.v1.tar+zstd", kEmptySha256, 0)})},
      {"annotations", {{"org.opencontainers.image.created", "2024-01-02T03:04:05Z"}}}};
}

inline json platform(const std::string& os, const std::string& arch,
                     const std::string& variant = "") {
  json p{{"os", os}, {"architecture", arch}};
  if (!variant.empty()) p["variant"] = variant;
  return p;
}

inline json index_entry(const json& platform_json, const std::string& digest = kAbcSha256) {
  json d = descriptor("application/vnd.oci.image.manifest.v1+json", digest, 100);
  d["platform"] = platform_json;
  return d;
}

inline json oci_index() {
  return json{{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.index.v1+json"},
              {"manifests", json::array({index_entry(platform("linux", "amd64")),
                                         index_entry(platform("linux", "arm64", "v8"))})}};
}

inline json docker_manifest() {
  return json{
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
      {"config", descriptor("application/vnd.docker.container.image.v1+json")},
      {"layers", json::array({descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip")})}};
}

inline json docker_list() {
  json entry = descriptor("application/vnd.docker.distribution.manifest.v2+json");
  entry["platform"] = platform("linux", "amd64");
  return json{{"schemaVersion", 2},
              {"mediaType", "application/vnd.docker.distribution.manifest.list.v2+json"},
              {"manifests", json::array({entry})}};
}

inline json image_config() {
  return json{{"created", "2015-10-31T22:22:56.015925234Z"},
              {"author", "Alyssa P. Hacker <alyspdev@example.com>"},
              {"architecture", "amd64"},
              {"os", "linux"},
              {"config",
               {{"User", "alice"},
                {"ExposedPorts", {{"8080/tcp", json::object()}, {"53/udp", json::object()}}},
                {"Env", {"PATH=/usr/local/sbin:/usr/local/bin", "FOO=oci_is_a"}},
                {"Entrypoint", {"/bin/my-app-binary"}},
                {"Cmd", {"--foreground", "--config", "/etc/my-app.d/default.cfg"}},
                {"Volumes", {{"/var/job-result-data", json::object()}}},
                {"WorkingDir", "/home/alice"},
                {"Labels", {{"com.example.project.git.url", "https://example.com/project.git"}}},
                {"StopSignal", "SIGTERM"}}},
              {"rootfs", {{"diff_ids", {kAbcSha256, kEmptySha256}}, {"type", "layers"}}},
              {"history",
               {{{"created", "2015-10-31T22:22:54.690851953Z"},
                 {"created_by",
                  "/bin/sh -c #(nop) ADD "
                  "file:a3bc1e842b69636f9df5256c49c5374fb4eef1e281fe3f282c65fb853ee171c5 in /"}},
                {{"created", "2015-10-31T22:22:55.613815829Z"},
                 {"created_by", "/bin/sh -c #(nop) CMD [\"sh\"]"},
                 {"empty_layer", true}}}}};
}

// Asserts `result` failed with kInvalidArgument at `field`, and that its
// message contains `needle`.
template <class R>
::testing::AssertionResult FailsAt(const R& result, const std::string& field,
                                   const std::string& needle = "") {
  if (result.is_ok()) return ::testing::AssertionFailure() << "parsed, expected an error";
  const core::Error& e = result.error();
  if (e.code() != core::ErrorCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "wrong code: " << e.to_string();
  }
  if (e.context().field != field) {
    return ::testing::AssertionFailure()
           << "field '" << e.context().field << "', expected '" << field << "': " << e.to_string();
  }
  if (e.message().find(needle) == std::string::npos) {
    return ::testing::AssertionFailure() << "message lacks '" << needle << "': " << e.to_string();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace oci::testing
