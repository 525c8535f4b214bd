#include "oci/registry/registry_ref.h"

#include <arpa/inet.h>

namespace oci::registry {
namespace {

core::Error bad(std::string_view text, const std::string& why) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "image reference \"" + std::string(text) + "\": " + why);
}

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One path component: [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)*
bool valid_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (lower_alnum(c[i])) continue;
    if (c[i] == '.' || c[i] == '-') {
      if (c[i] == '.' && !lower_alnum(c[i + 1])) return false;
      continue;
    }
    if (c[i] == '_') {
      if (c[i + 1] == '_') ++i;
      if (!lower_alnum(c[i + 1])) return false;
      continue;
    }
    return false;
  }
  return true;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (std::size_t i = 0; i < tag.size(); ++i) {
    const char c = tag[i];
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

bool looks_like_host(std::string_view component) {
  return component.find('.') != std::string_view::npos ||
         component.find(':') != std::string_view::npos || component == "localhost";
}

}  // namespace

std::string RegistryRef::api_host() const {
  return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

std::string RegistryRef::reference() const {
  return digest.empty() ? tag : digest.str();
}

std::string RegistryRef::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest.str();
  return out;
}

core::Result<RegistryRef> parse_registry_ref(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("docker://")) rest.remove_prefix(9);
  if (rest.empty()) return bad(text, "empty");
  RegistryRef ref;
  if (std::size_t at = rest.find('@'); at != std::string_view::npos) {
    auto digest = Digest::parse(rest.substr(at + 1));
    if (!digest) return bad(text, "bad digest: " + digest.error().message());
    ref.digest = digest.value();
    rest = rest.substr(0, at);
  }
  // A tag is after the last ':' that follows the last '/' (a port's ':' comes before it).
  const std::size_t slash = rest.rfind('/');
  const std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!valid_tag(ref.tag)) return bad(text, "bad tag \"" + ref.tag + "\"");
    rest = rest.substr(0, colon);
  }
  const std::size_t first = rest.find('/');
  if (first != std::string_view::npos && looks_like_host(rest.substr(0, first))) {
    ref.registry = std::string(rest.substr(0, first));
    rest = rest.substr(first + 1);
  } else {
    ref.registry = "docker.io";
  }
  if (ref.registry == "index.docker.io") ref.registry = "docker.io";
  std::string repository(rest);
  if (ref.registry == "docker.io" && repository.find('/') == std::string::npos) {
    repository = "library/" + repository;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t end = repository.find('/', start);
    if (!valid_component(std::string_view(repository).substr(start, end - start))) {
      return bad(text, "bad repository \"" + repository +
                           "\" (lower-case letters and digits, separated by . _ __ - or /)");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  ref.repository = std::move(repository);
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

bool is_loopback_registry(std::string_view registry) {
  std::string_view host = registry;
  if (host.starts_with("[")) {
    host = host.substr(1, host.find(']') - 1);
    return host == "::1";
  }
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  // An IPv4 address in 127.0.0.0/8, not a name that starts with "127.".
  struct in_addr address {};
  return ::inet_pton(AF_INET, std::string(host).c_str(), &address) == 1 &&
         (ntohl(address.s_addr) >> 24) == 127;
}

}  // namespace oci::registry
