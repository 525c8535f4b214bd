// oci/registry/registry_ref.h: an image in a registry, as users write it:
// `[docker://]REGISTRY/REPO[:TAG|@DIGEST]`, skopeo's and Docker's syntax.
//
// Docker's shorthand is normalized as Docker does: a first component that is
// not a host (no '.', no ':', not "localhost") means Docker Hub
// ("busybox" -> docker.io/library/busybox:latest), whose API lives at
// registry-1.docker.io. No tag and no digest means ":latest". Repository
// components are lower-case [a-z0-9] runs joined by '.', '_', '__' or '-'
// (distribution's grammar); a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
// Errors name the text and what is wrong with it.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "oci/digest.h"

namespace oci::registry {

struct RegistryRef {
  std::string registry;    // "127.0.0.1:5000", "docker.io"
  std::string repository;  // "library/busybox"
  std::string tag;         // empty when pinned by digest only
  Digest digest;           // empty unless @DIGEST was given

  // Where the API is: registry-1.docker.io for docker.io.
  std::string api_host() const;
  // The tag, or the digest when there is one: what the manifest URL names.
  std::string reference() const;
  // "REGISTRY/REPO:TAG" or "REGISTRY/REPO@DIGEST".
  std::string str() const;
};

core::Result<RegistryRef> parse_registry_ref(std::string_view text);

// Whether the registry is on this machine (localhost, 127.0.0.0/8, ::1),
// where plain HTTP is allowed without asking (when it does not speak TLS).
bool is_loopback_registry(std::string_view registry);

}  // namespace oci::registry
