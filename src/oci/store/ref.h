// oci/store/ref.h: image references as the store names them, `name:tag`.
//
// An OCI layout names its roots with the annotation
// org.opencontainers.image.ref.name on index.json entries; the store writes
// `name:tag` there, so one layout can hold several repositories. The name is
// a repository name, `[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*`
// and at most 255 characters (the distribution spec's grammar, minus its rarer
// `__` and `--` separators); the tag is `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`,
// `latest` when absent. Registry hosts and `@digest` references are the
// registry client's business, not the store's, and are refused here.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace oci::store {

inline constexpr std::string_view kDefaultTag = "latest";

// Set by a registry pull on the ref's index.json entry: "REGISTRY/REPO" the
// image came from, so that a push to another repository of that registry
// mounts its blobs there (oci/registry/push.h). The store's own business:
// export leaves it out of a layout, and import does not take it from one.
inline constexpr std::string_view kAnnotationImageSource = "org.lxcri.image.source";

struct Ref {
  std::string name;  // "library/busybox"
  std::string tag;   // "1.36"

  std::string str() const { return name + ":" + tag; }
  friend bool operator==(const Ref&, const Ref&) = default;
};

// kInvalidArgument with context().field "name" or "tag" and a message
// quoting the offending text.
core::Result<Ref> parse_ref(std::string_view text);

}  // namespace oci::store
