#include "oci/registry/auth.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "oci/base64.h"

namespace oci::registry {
namespace {

// "https://host/v1/" -> "host"
std::string host_of(std::string key) {
  if (auto scheme = key.find("://"); scheme != std::string::npos) key = key.substr(scheme + 3);
  return key.substr(0, key.find('/'));
}

}  // namespace

core::Result<Credentials> parse_credentials(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return core::Error(core::ErrorCode::kInvalidArgument, "credentials must be USER:PASSWORD")
        .with_field("creds");
  }
  return Credentials{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

core::Result<std::optional<Credentials>> credentials_from_auth_file(
    const std::filesystem::path& file, std::string_view registry) {
  std::ifstream in(file);
  if (!in) {
    return core::Error(core::ErrorCode::kNotFound, "cannot read the auth file")
        .with_file(file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "the auth file is not a JSON object")
        .with_file(file.string());
  }
  auto auths = json.find("auths");
  if (auths == json.end()) return std::optional<Credentials>();
  if (!auths->is_object()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "\"auths\" is not an object")
        .with_file(file.string())
        .with_field("auths");
  }
  const std::string wanted = registry == "docker.io" ? "index.docker.io" : std::string(registry);
  for (const auto& [key, entry] : auths->items()) {
    const std::string host = host_of(key);
    if (host != wanted && !(registry == "docker.io" && host == "docker.io")) continue;
    const std::string field = "auths." + key + ".auth";
    if (!entry.is_object()) {
      return core::Error(core::ErrorCode::kInvalidArgument, "not an object")
          .with_file(file.string())
          .with_field("auths." + key);
    }
    // An entry a credential helper keeps ({}, or identitytoken only) holds
    // nothing we can send: no credentials from this file.
    if (!entry.contains("auth")) continue;
    if (!entry["auth"].is_string()) {
      return core::Error(core::ErrorCode::kInvalidArgument, "\"auth\" is not a string")
          .with_file(file.string())
          .with_field(field);
    }
    auto decoded = decode_base64(entry["auth"].get<std::string>());
    if (!decoded) {
      return core::Error(core::ErrorCode::kInvalidArgument, "\"auth\" is not base64")
          .with_file(file.string())
          .with_field(field);
    }
    auto credentials = parse_credentials(*decoded);
    if (!credentials) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "\"auth\" does not decode to USER:PASSWORD")
          .with_file(file.string())
          .with_field(field);
    }
    return std::optional<Credentials>(std::move(credentials).value());
  }
  return std::optional<Credentials>();
}

std::vector<std::filesystem::path> default_auth_files() {
  std::vector<std::filesystem::path> candidates;
  if (const char* file = std::getenv("REGISTRY_AUTH_FILE"); file != nullptr && *file != '\0') {
    candidates.emplace_back(file);
  }
  if (const char* run = std::getenv("XDG_RUNTIME_DIR"); run != nullptr && *run != '\0') {
    candidates.push_back(std::filesystem::path(run) / "containers" / "auth.json");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    candidates.push_back(std::filesystem::path(home) / ".docker" / "config.json");
  }
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  for (const auto& file : candidates)
    if (std::filesystem::is_regular_file(file, ec)) found.push_back(file);
  return found;
}

core::Result<Challenge> parse_challenge(std::string_view header) {
  Challenge challenge;
  std::size_t i = 0;
  while (i < header.size() && header[i] == ' ')
    ++i;
  const std::size_t scheme_end = header.find(' ', i);
  for (char c : header.substr(i, scheme_end - i))
    challenge.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (challenge.scheme.empty()) {
    return core::Error(core::ErrorCode::kInvalidArgument, "empty WWW-Authenticate header");
  }
  i = scheme_end == std::string_view::npos ? header.size() : scheme_end + 1;
  // key=value or key="quoted, value", separated by commas.
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ','))
      ++i;
    const std::size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(header.substr(i, eq - i));
    std::string value;
    i = eq + 1;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value.push_back(header[i]);
      }
      ++i;  // the closing quote
    } else {
      const std::size_t end = header.find(',', i);
      value = std::string(header.substr(i, end - i));
      i = end == std::string_view::npos ? header.size() : end;
    }
    challenge.params[key] = value;
  }
  if (challenge.scheme == "bearer" && !challenge.params.contains("realm")) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "Bearer challenge without a realm: " + std::string(header));
  }
  return challenge;
}

}  // namespace oci::registry
