// oci/registry/auth.h: who we are to a registry, and what it asks for.
//
// Credentials come from --creds USER:PASS or from an auth file in the format
// podman, skopeo and docker share ({"auths": {"REGISTRY": {"auth":
// base64("USER:PASS")}}}; keys may also carry a scheme or a path, as
// "https://index.docker.io/v1/" does). A registry says how to authenticate
// in its 401's WWW-Authenticate header: Basic, or Bearer with a token
// service (realm, service, scope: distribution's token protocol).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oci::registry {

struct Credentials {
  std::string username;
  std::string password;
};

// "USER:PASS" (the password may hold ':'). kInvalidArgument without a ':'
// or a user.
core::Result<Credentials> parse_credentials(std::string_view text);

// The credentials the auth file `file` holds for `registry`, nullopt when
// it has none (or only an entry without "auth", as credential helpers
// leave). An unreadable or malformed file is an error naming it.
core::Result<std::optional<Credentials>> credentials_from_auth_file(
    const std::filesystem::path& file, std::string_view registry);

// Where podman and docker keep them, in the order they are looked at:
// $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
// ~/.docker/config.json. Only the ones that exist.
std::vector<std::filesystem::path> default_auth_files();

struct Challenge {
  std::string scheme;                         // lower-case: "basic", "bearer"
  std::map<std::string, std::string> params;  // realm, service, scope, ...
};

// `Bearer realm="https://auth/token",service="registry",scope="..."`.
core::Result<Challenge> parse_challenge(std::string_view header);

}  // namespace oci::registry
