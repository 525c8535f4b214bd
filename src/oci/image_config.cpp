#include "oci/image_config.h"

#include "oci/document_readers.h"
#include "oci/json_reader.h"
#include "oci/rfc3339.h"

namespace oci {
namespace {

std::string read_time(json::Reader& r, const json::Node& node) {
  std::string text = r.string(node);
  if (r.ok() && node.present() && !is_rfc3339(text)) {
    r.fail(node, "expected an RFC 3339 date-time (2006-01-02T15:04:05Z), found " +
                     json::describe(*node.value));
  }
  return text;
}

bool valid_port(std::string_view key) {
  std::size_t slash = key.find('/');
  std::string_view port = key.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view proto = key.substr(slash + 1);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") return false;
  }
  if (port.empty() || port.size() > 5) return false;
  int n = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  return n <= 65535;
}

// The keys of a map whose values must be objects (Go's map[string]struct{},
// which also takes null).
std::vector<std::string> read_key_set(json::Reader& r, const json::Node& node, bool ports) {
  std::vector<std::string> keys;
  for (auto& [key, value] : r.members(node)) {
    if (!value.value->is_object() && !value.value->is_null()) {
      r.fail_type(value, "an object ({})");
      break;
    }
    if (ports && !valid_port(key)) {
      r.fail(value, "expected a port as 'port', 'port/tcp', 'port/udp' or 'port/sctp' (0-65535)");
      break;
    }
    if (!ports && key.empty()) {
      r.fail(value, "expected a mount point, found an empty key");
      break;
    }
    keys.push_back(key);
  }
  return keys;
}

std::optional<std::vector<std::string>> read_command(json::Reader& r, const json::Node& node) {
  if (!node.present()) return std::nullopt;
  return r.strings(node);
}

ContainerConfig read_container_config(json::Reader& r, const json::Node& node) {
  ContainerConfig c;
  if (!r.is_object(node)) return c;
  c.user = r.string(r.field(node, "User"));
  c.exposed_ports = read_key_set(r, r.field(node, "ExposedPorts"), /*ports=*/true);
  for (const json::Node& entry : r.elements(r.field(node, "Env"))) {
    std::string text = r.string(entry);
    if (r.ok() && (text.find('=') == std::string::npos || text.front() == '=')) {
      r.fail(entry, "expected 'NAME=value', found " + json::describe(*entry.value));
    }
    c.env.push_back(std::move(text));
  }
  c.entrypoint = read_command(r, r.field(node, "Entrypoint"));
  c.cmd = read_command(r, r.field(node, "Cmd"));
  c.volumes = read_key_set(r, r.field(node, "Volumes"), /*ports=*/false);
  c.working_dir = r.string(r.field(node, "WorkingDir"));
  c.labels = r.string_map(r.field(node, "Labels"));
  c.stop_signal = r.string(r.field(node, "StopSignal"));
  return c;
}

}  // namespace

core::Result<ImageConfig> parse_image_config(std::string_view bytes) {
  auto document = json::parse(bytes);
  if (!document) return document.error();
  json::Reader r;
  json::Node root = r.root(document.value());
  ImageConfig cfg;
  cfg.created = read_time(r, r.field(root, "created"));
  cfg.author = r.string(r.field(root, "author"));
  // The platform fields sit at the top level of a config, under the same names.
  cfg.platform = read_platform(r, root);
  cfg.config = read_container_config(r, r.field(root, "config"));
  json::Node rootfs = r.field(root, "rootfs", json::Need::kRequired);
  if (r.is_object(rootfs)) {
    json::Node type = r.field(rootfs, "type", json::Need::kRequired);
    std::string type_text = r.string(type);
    if (r.ok() && type_text != "layers") {
      r.fail(type, "expected \"layers\", found " + json::describe(*type.value));
    }
    for (const json::Node& id : r.elements(r.field(rootfs, "diff_ids", json::Need::kRequired))) {
      cfg.diff_ids.push_back(read_digest(r, id));
    }
  }
  for (const json::Node& step : r.elements(r.field(root, "history"))) {
    if (!r.is_object(step)) break;
    HistoryEntry h;
    h.created = read_time(r, r.field(step, "created"));
    h.created_by = r.string(r.field(step, "created_by"));
    h.author = r.string(r.field(step, "author"));
    h.comment = r.string(r.field(step, "comment"));
    h.empty_layer = r.boolean(r.field(step, "empty_layer"));
    cfg.history.push_back(std::move(h));
  }
  if (!r.ok()) return r.error();
  return cfg;
}

}  // namespace oci
