// oci/platform.h: the platform an image runs on (os/arch/variant), the host's,
// and which platforms a host can run.
//
// Matching follows containerd's `platforms` package, because that is what
// Docker, containerd, Podman and Kubernetes users expect:
//  * Normalisation before any comparison: os and architecture lower-cased;
//    "macos" -> "darwin"; i386 -> 386 (no variant); x86_64/x86-64 -> amd64
//    ("v1" variant dropped); aarch64 -> arm64 with variants 8/v8/v8.0 -> none
//    (v8 is the only arm64 baseline) and 9/v9.0 -> v9; armhf -> arm/v7,
//    armel -> arm/v6; arm with no variant -> v7, and bare "5"/"6"/"7"/"8"
//    -> "v5".."v8".
//  * An exact match is os, architecture and variant equal after
//    normalisation. os.version and os.features are not compared (Linux images
//    do not set them; Windows is not a target).
//  * A host also runs older variants of its architecture, best first
//    (containerd's `platforms.Only`): arm/vN runs arm/vN..v5; arm64 runs arm64
//    (and, beyond containerd, arm64/vN runs lower arm64 variants down to v8),
//    then arm/v8..v5; amd64/vN runs amd64/vN..v2, amd64, then 386; amd64
//    runs 386. Nothing else is compatible.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oci {

struct Platform {
  std::string os;                        // "linux"
  std::string architecture;              // GOARCH names: "amd64", "arm64", "arm", "386", ...
  std::string variant;                   // "v7", "v8"; empty when none
  std::string os_version;                // "os.version"
  std::vector<std::string> os_features;  // "os.features"

  friend bool operator==(const Platform&, const Platform&) = default;
};

// The canonical form described above (os_version and os_features kept).
Platform normalize_platform(Platform platform);

// "linux/arm64/v8", "linux/amd64": os/architecture[/variant], as written.
std::string format_platform(const Platform& platform);
// The inverse, for command lines: "os/arch[/variant]", each part non-empty.
core::Result<Platform> parse_platform(std::string_view text);

// uname's sysname and machine mapped to Go's names: x86_64 -> amd64,
// aarch64/arm64 -> arm64 v8, armv7l -> arm v7, armv6l -> arm v6, armv5tel ->
// arm v5, armv8l -> arm v8, i386..i686 -> 386, ppc64le, s390x, riscv64;
// anything else is kept as reported.
Platform platform_from_uname(std::string_view sysname, std::string_view machine);
// This machine, from uname(2).
Platform host_platform();

// True when `have` is exactly the platform `want`, after normalisation.
bool platform_matches(const Platform& want, const Platform& have);
// The normalised platforms a `want` host runs, best first (see above).
std::vector<Platform> compatible_platforms(const Platform& want);
// Where `have` is in compatible_platforms(want): 0 for an exact match,
// nullopt when a `want` host cannot run it.
std::optional<std::size_t> platform_rank(const Platform& want, const Platform& have);

}  // namespace oci
