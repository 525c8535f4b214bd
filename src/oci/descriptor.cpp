#include "oci/descriptor.h"

#include "oci/base64.h"
#include "oci/document_readers.h"
#include "oci/media_types.h"

namespace oci {
namespace {

// RFC 3986 in the large: a scheme, then no spaces or control characters.
// Fetching decides the rest; this keeps plainly broken values out.
bool looks_like_uri(std::string_view url) {
  std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  char first = url[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    char c = url[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string read_media_type(json::Reader& r, const json::Node& node) {
  std::string value = r.string(node);
  if (r.ok() && node.present()) {
    if (std::string why = media_type::check_syntax(value); !why.empty()) {
      r.fail(node,
             "expected a media type (RFC 6838), found " + json::describe(*node.value) + ": " + why);
    }
  }
  return value;
}

Digest read_digest(json::Reader& r, const json::Node& node) {
  std::string text = r.string(node);
  if (!r.ok() || !node.present()) return Digest();
  auto digest = Digest::parse(text);
  if (!digest) {
    r.fail(node, digest.error().message());
    return Digest();
  }
  return std::move(digest).value();
}

void read_schema_version(json::Reader& r, const json::Node& root) {
  json::Node node = r.field(root, "schemaVersion", json::Need::kRequired);
  if (!r.ok()) return;
  if (!node.value->is_number_integer() || node.value->get<std::int64_t>() != 2) {
    r.fail(node, "expected the integer 2, found " + json::describe(*node.value));
  }
}

void check_not_self(json::Reader& r, const json::Node& node, const Digest& digest,
                    const ParseOptions& options, std::string_view what) {
  if (r.ok() && options.own_digest && !digest.empty() && digest == *options.own_digest) {
    r.fail(node, std::string(what) + " names the document itself (" + digest.str() +
                     "), which would make a loop");
  }
}

Annotations read_annotations(json::Reader& r, const json::Node& node) {
  return r.string_map(node);
}

Platform read_platform(json::Reader& r, const json::Node& node) {
  Platform p;
  if (!r.is_object(node)) return p;
  json::Node arch = r.field(node, "architecture", json::Need::kRequired);
  p.architecture = r.string(arch);
  if (r.ok() && p.architecture.empty()) r.fail(arch, "expected a non-empty architecture");
  json::Node os = r.field(node, "os", json::Need::kRequired);
  p.os = r.string(os);
  if (r.ok() && p.os.empty()) r.fail(os, "expected a non-empty os");
  p.variant = r.string(r.field(node, "variant"));
  p.os_version = r.string(r.field(node, "os.version"));
  p.os_features = r.strings(r.field(node, "os.features"));
  return p;
}

Descriptor read_descriptor(json::Reader& r, const json::Node& node, const ParseOptions& options) {
  Descriptor d;
  if (!r.is_object(node)) return d;
  d.media_type = read_media_type(r, r.field(node, "mediaType", json::Need::kRequired));
  d.digest = read_digest(r, r.field(node, "digest", json::Need::kRequired));
  json::Node size = r.field(node, "size", json::Need::kRequired);
  d.size = r.int64(size, 0);
  json::Node urls = r.field(node, "urls");
  for (const json::Node& url : r.elements(urls)) {
    std::string text = r.string(url);
    if (r.ok() && !looks_like_uri(text)) {
      r.fail(url, "expected a URI (RFC 3986), found " + json::describe(*url.value));
    }
    d.urls.push_back(std::move(text));
  }
  d.annotations = read_annotations(r, r.field(node, "annotations"));
  json::Node platform = r.field(node, "platform");
  if (platform.present()) d.platform = read_platform(r, platform);
  if (options.version == SpecVersion::kV1_0) return d;

  json::Node artifact_type = r.field(node, "artifactType");
  d.artifact_type = read_media_type(r, artifact_type);
  json::Node data = r.field(node, "data");
  std::string encoded = r.string(data);
  if (r.ok() && data.present()) {
    std::optional<std::string> decoded = decode_base64(encoded);
    if (!decoded) {
      r.fail(data,
             "expected canonical base64 (RFC 4648, padded), found " + json::describe(*data.value));
    } else if (static_cast<std::int64_t>(decoded->size()) != d.size) {
      r.fail(data, "embedded data is " + std::to_string(decoded->size()) + " bytes but size says " +
                       std::to_string(d.size));
    } else if (core::Status s = verify_digest(d.digest, *decoded); !s.is_ok()) {
      r.fail(data, "embedded data does not match the digest: " + s.error().message());
    } else {
      d.data = std::move(decoded);
    }
  }
  return d;
}

core::Result<Descriptor> parse_descriptor(std::string_view bytes, const ParseOptions& options) {
  auto document = json::parse(bytes);
  if (!document) return document.error();
  json::Reader r;
  json::Node root = r.root(document.value());
  Descriptor d = read_descriptor(r, root, options);
  if (!r.ok()) return r.error();
  return d;
}

}  // namespace oci
