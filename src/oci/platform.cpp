#include "oci/platform.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cctype>

namespace oci {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "v7" -> 7; -1 when the variant is not "v<digits>".
int variant_number(std::string_view variant) {
  if (variant.size() < 2 || variant[0] != 'v' || variant.size() > 4) return -1;
  int n = 0;
  for (char c : variant.substr(1)) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

Platform make(const std::string& os, const char* arch, std::string variant) {
  Platform p;
  p.os = os;
  p.architecture = arch;
  p.variant = std::move(variant);
  return p;
}

}  // namespace

Platform normalize_platform(Platform p) {
  p.os = lower(p.os);
  if (p.os == "macos") p.os = "darwin";
  std::string arch = lower(p.architecture);
  std::string variant = lower(p.variant);
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") variant.clear();
    if (variant == "9" || variant == "9.0" || variant == "v9.0") variant = "v9";
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") {
      variant = "v7";
    } else if (variant == "5" || variant == "6" || variant == "8") {
      variant = "v" + variant;
    }
  }
  p.architecture = std::move(arch);
  p.variant = std::move(variant);
  return p;
}

std::string format_platform(const Platform& p) {
  std::string out = p.os.empty() ? "?" : p.os;
  out += '/';
  out += p.architecture.empty() ? "?" : p.architecture;
  if (!p.variant.empty()) {
    out += '/';
    out += p.variant;
  }
  return out;
}

core::Result<Platform> parse_platform(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool empty_part = std::any_of(parts.begin(), parts.end(), [](auto& s) { return s.empty(); });
  if (parts.size() < 2 || parts.size() > 3 || empty_part) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "expected a platform 'os/architecture[/variant]', found '" +
                           std::string(text.substr(0, 100)) + "'");
  }
  Platform p;
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

Platform platform_from_uname(std::string_view sysname, std::string_view machine) {
  std::string os = lower(sysname);
  std::string m = lower(machine);
  if (m == "x86_64" || m == "amd64") return make(os, "amd64", "");
  if (m == "aarch64" || m == "arm64" || m == "aarch64_be") return make(os, "arm64", "v8");
  if (m == "armv8l") return make(os, "arm", "v8");
  if (m.rfind("armv7", 0) == 0) return make(os, "arm", "v7");
  if (m.rfind("armv6", 0) == 0) return make(os, "arm", "v6");
  if (m.rfind("armv5", 0) == 0) return make(os, "arm", "v5");
  if (m == "i386" || m == "i486" || m == "i586" || m == "i686") return make(os, "386", "");
  if (m == "ppc64le" || m == "s390x" || m == "riscv64" || m == "ppc64" || m == "mips64") {
    return make(os, m.c_str(), "");
  }
  Platform p;
  p.os = os;
  p.architecture = m;
  return p;
}

Platform host_platform() {
  struct utsname u {};
  if (uname(&u) != 0) return platform_from_uname("linux", "unknown");
  return platform_from_uname(u.sysname, u.machine);
}

bool platform_matches(const Platform& want, const Platform& have) {
  Platform a = normalize_platform(want);
  Platform b = normalize_platform(have);
  return a.os == b.os && a.architecture == b.architecture && a.variant == b.variant;
}

std::vector<Platform> compatible_platforms(const Platform& want) {
  Platform w = normalize_platform(want);
  std::vector<Platform> out;
  auto add = [&](const char* arch, std::string variant) {
    out.push_back(normalize_platform(make(w.os, arch, std::move(variant))));
  };
  out.push_back(make(w.os, w.architecture.c_str(), w.variant));
  int n = variant_number(w.variant);
  if (w.architecture == "arm") {
    for (int v = n - 1; v >= 5; --v)
      add("arm", "v" + std::to_string(v));
  } else if (w.architecture == "arm64") {
    // Normalised arm64 has no variant for v8; a v9 host runs v8 (none) too.
    int top = w.variant.empty() ? 8 : n;
    for (int v = top - 1; v >= 8; --v)
      add("arm64", "v" + std::to_string(v));
    for (int v = 8; v >= 5; --v)
      add("arm", "v" + std::to_string(v));
  } else if (w.architecture == "amd64") {
    for (int v = n - 1; v >= 1; --v)
      add("amd64", "v" + std::to_string(v));
    add("386", "");
  }
  return out;
}

std::optional<std::size_t> platform_rank(const Platform& want, const Platform& have) {
  Platform h = normalize_platform(have);
  std::vector<Platform> order = compatible_platforms(want);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i].os == h.os && order[i].architecture == h.architecture &&
        order[i].variant == h.variant) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace oci
