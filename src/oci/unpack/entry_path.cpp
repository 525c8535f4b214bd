#include "oci/unpack/entry_path.h"

namespace oci::unpack {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr std::string_view kReservedPrefix = ".wh..wh.";

}  // namespace

PathProblem clean_entry_path(std::string_view raw, std::size_t max_bytes, std::size_t max_depth,
                             std::string& out) {
  out.clear();
  if (raw.empty()) return PathProblem::kEmpty;
  if (raw.size() > max_bytes) return PathProblem::kTooLong;
  if (raw.find('\0') != std::string_view::npos) return PathProblem::kNul;
  std::size_t pos = 0;
  std::size_t depth = 0;
  while (pos < raw.size()) {
    std::size_t end = raw.find('/', pos);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view part = raw.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return PathProblem::kDotDot;
    if (++depth > max_depth) return PathProblem::kTooDeep;
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out.empty() ? PathProblem::kRootItself : PathProblem::kNone;
}

std::string_view describe(PathProblem problem) {
  switch (problem) {
    case PathProblem::kNone:
      return "valid";
    case PathProblem::kRootItself:
      return "names the root directory itself";
    case PathProblem::kEmpty:
      return "empty name";
    case PathProblem::kDotDot:
      return "path escapes the root (\"..\")";
    case PathProblem::kNul:
      return "name contains a NUL byte";
    case PathProblem::kTooLong:
      return "name longer than the path limit";
    case PathProblem::kTooDeep:
      return "name has more components than the depth limit";
  }
  return "invalid name";
}

SplitPath split_path(std::string_view clean_path) {
  std::size_t slash = clean_path.rfind('/');
  if (slash == std::string_view::npos) return {{}, clean_path};
  return {clean_path.substr(0, slash), clean_path.substr(slash + 1)};
}

WhiteoutKind classify_whiteout(std::string_view base, std::string_view& victim) {
  if (!base.starts_with(kWhiteoutPrefix)) return WhiteoutKind::kNone;
  if (base == kOpaqueMarker) return WhiteoutKind::kOpaque;
  if (base.starts_with(kReservedPrefix)) return WhiteoutKind::kReserved;
  victim = base.substr(kWhiteoutPrefix.size());
  if (victim.empty() || victim == "." || victim == "..") return WhiteoutKind::kInvalid;
  return WhiteoutKind::kRemove;
}

}  // namespace oci::unpack
