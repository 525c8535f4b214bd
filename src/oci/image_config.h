// oci/image_config.h: the OCI image configuration (image-spec config.md),
// which is also what Docker v2 manifests point to.
//
// The config says what the unpacked layers are (rootfs.diff_ids, the digests
// of the uncompressed layer tars, checked while unpacking), what platform the
// image is for, and how to run it (the `config` section, turned into an OCI
// runtime spec later). Docker writes `null` for empty lists and maps; those
// read as absent, as in Docker's own Go code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "oci/digest.h"
#include "oci/platform.h"

namespace oci {

// The `config` section: execution defaults for a container.
struct ContainerConfig {
  std::string user;
  std::vector<std::string> exposed_ports;  // keys: "80/tcp", "53/udp", "8080"
  std::vector<std::string> env;            // "NAME=value"
  // Absent and empty differ for Entrypoint and Cmd: an empty Entrypoint set
  // by the image resets an inherited one.
  std::optional<std::vector<std::string>> entrypoint;
  std::optional<std::vector<std::string>> cmd;
  std::vector<std::string> volumes;  // keys: mount points
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
};

struct HistoryEntry {
  std::string created;  // RFC 3339; empty when absent
  std::string created_by;
  std::string author;
  std::string comment;
  bool empty_layer = false;  // true when this step made no layer
};

struct ImageConfig {
  std::string created;  // RFC 3339; empty when absent
  std::string author;
  // architecture and os (required), variant, os.version, os.features.
  Platform platform;
  ContainerConfig config;
  std::vector<Digest> diff_ids;  // rootfs.diff_ids, base layer first
  std::vector<HistoryEntry> history;
};

// Rules: architecture and os required, non-empty strings; created (and
// history[].created) RFC 3339; rootfs required with type "layers" and
// diff_ids an array of digests; config.Env entries "NAME=value" with a
// non-empty name; config.ExposedPorts keys "port[/tcp|udp|sctp]" with
// port 0-65535 and object values; config.Volumes object values;
// Entrypoint/Cmd arrays of strings; Labels a string map. Errors name the
// field ("rootfs.diff_ids[1]", "config.Env[0]").
core::Result<ImageConfig> parse_image_config(std::string_view bytes);

}  // namespace oci
