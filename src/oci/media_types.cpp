#include "oci/media_types.h"

#include <array>
#include <utility>

namespace oci::media_type {
namespace {

bool is_restricted_name_first(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_restricted_name_char(char c) {
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '-':
    case '^':
    case '_':
    case '.':
    case '+':
      return true;
    default:
      return is_restricted_name_first(c);
  }
}

// Empty when `name` is a restricted-name; otherwise why not.
std::string check_name(std::string_view name, const char* what) {
  if (name.empty()) return std::string(what) + " is empty";
  if (name.size() > 127) return std::string(what) + " is longer than 127 characters";
  if (!is_restricted_name_first(name[0])) {
    return std::string(what) + " must start with a letter or digit";
  }
  for (char c : name) {
    if (c == ';' || c == ' ') return "parameters are not allowed in a media type";
    if (!is_restricted_name_char(c)) {
      return std::string(what) + " has a character outside [A-Za-z0-9!#$&^_.+-]";
    }
  }
  return {};
}

struct KnownLayer {
  std::string_view media_type;
  LayerType type;
};

constexpr std::array<KnownLayer, 11> kLayers = {{
    {kOciLayerTar, {Compression::kNone, true, false}},
    {kOciLayerTarGzip, {Compression::kGzip, true, false}},
    {kOciLayerTarZstd, {Compression::kZstd, true, false}},
    {kOciLayerNondistributableTar, {Compression::kNone, false, false}},
    {kOciLayerNondistributableTarGzip, {Compression::kGzip, false, false}},
    {kOciLayerNondistributableTarZstd, {Compression::kZstd, false, false}},
    {kDockerLayerTar, {Compression::kNone, true, true}},
    {kDockerLayerTarGzip, {Compression::kGzip, true, true}},
    {kDockerLayerTarZstd, {Compression::kZstd, true, true}},
    {kDockerLayerForeignTar, {Compression::kNone, false, true}},
    {kDockerLayerForeignTarGzip, {Compression::kGzip, false, true}},
}};

}  // namespace

std::string check_syntax(std::string_view media_type) {
  std::size_t slash = media_type.find('/');
  if (slash == std::string_view::npos) return "a media type must be 'type/subtype'";
  if (std::string why = check_name(media_type.substr(0, slash), "the type"); !why.empty()) {
    return why;
  }
  return check_name(media_type.substr(slash + 1), "the subtype");
}

const char* compression_name(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

core::Result<LayerType> classify_layer(std::string_view media_type) {
  for (const KnownLayer& known : kLayers) {
    if (known.media_type == media_type) return known.type;
  }
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "not a layer media type: '" + std::string(media_type.substr(0, 200)) + "'");
}

bool is_oci_layer(std::string_view media_type) {
  auto type = classify_layer(media_type);
  return type && !type.value().docker;
}

bool is_docker_layer(std::string_view media_type) {
  auto type = classify_layer(media_type);
  return type && type.value().docker;
}

bool is_manifest_or_index(std::string_view media_type) {
  return media_type == kOciManifest || media_type == kOciIndex || media_type == kDockerManifest ||
         media_type == kDockerManifestList;
}

}  // namespace oci::media_type
