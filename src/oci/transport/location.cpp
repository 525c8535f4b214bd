#include "oci/transport/location.h"

#include <array>
#include <utility>

namespace oci::transport {
namespace {

constexpr std::array<std::pair<std::string_view, Location::Kind>, 3> kTransports{{
    {"oci", Location::Kind::kOciDir},
    {"oci-archive", Location::Kind::kOciArchive},
    {"docker-archive", Location::Kind::kDockerArchive},
}};

core::Error invalid(std::string_view text, std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "image location '" + std::string(text) + "': " + std::move(message));
}

}  // namespace

const char* transport_name(Location::Kind kind) {
  for (const auto& [name, k] : kTransports) {
    if (k == kind) return name.data();
  }
  return "unknown";
}

core::Result<Location> parse_location(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return invalid(text, "expected TRANSPORT:PATH (transports: oci, oci-archive, docker-archive)");
  }
  std::string_view name = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  Location location;
  bool known = false;
  for (const auto& [transport, kind] : kTransports) {
    if (transport == name) {
      location.kind = kind;
      known = true;
    }
  }
  if (!known) {
    return invalid(text, "unknown transport '" + std::string(name) +
                             "' (known: oci, oci-archive, docker-archive)");
  }
  std::size_t end = rest.find(':');
  std::string_view path = rest.substr(0, end);
  if (path.empty()) return invalid(text, "empty path");
  location.path = std::string(path);
  if (end != std::string_view::npos) location.tag = std::string(rest.substr(end + 1));
  return location;
}

}  // namespace oci::transport
