// oci/transport/location.h: where an image is imported from or exported to,
// in skopeo's transport syntax.
//
// Users already know skopeo's names for image sources on disk, so the same
// strings select them here: "oci:DIR[:TAG]" (an OCI image layout),
// "oci-archive:FILE[:TAG]" (a tar of one) and "docker-archive:FILE[:NAME:TAG]"
// (what `docker save` writes). The part after the path selects one image of a
// layout or archive that holds several; it is kept as written, since its
// meaning depends on the transport (a ref name for oci, a RepoTag for docker).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oci::transport {

struct Location {
  enum class Kind { kOciDir, kOciArchive, kDockerArchive };
  Kind kind = Kind::kOciDir;
  std::filesystem::path path;
  std::string tag;  // the selector after the path; empty when none
};

// "oci", "oci-archive", "docker-archive".
const char* transport_name(Location::Kind kind);

// Splits at the first ':' after the transport name (paths with ':' are not
// supported, as in skopeo). kInvalidArgument naming the text for an unknown
// or missing transport or an empty path.
core::Result<Location> parse_location(std::string_view text);

}  // namespace oci::transport
