#include "oci/store/ref.h"

namespace oci::store {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// One path component: [a-z0-9]+ ([._-] [a-z0-9]+)*. The distribution spec's
// separator is `[._]|__|[-]*`; we accept one of `._-` between alphanumerics
// (as the brief's grammar says), which every real name uses.
bool valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (is_lower_alnum(c[i])) continue;
    if (c[i] != '.' && c[i] != '_' && c[i] != '-') return false;
    if (!is_lower_alnum(c[i + 1])) return false;  // two separators in a row
  }
  return true;
}

core::Error invalid(const char* field, std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message)).with_field(field);
}

}  // namespace

core::Result<Ref> parse_ref(std::string_view text) {
  if (text.find('@') != std::string_view::npos) {
    return invalid("name", "digest references are not refs: '" + std::string(text) + "'");
  }
  Ref ref;
  std::size_t colon = text.rfind(':');
  std::size_t slash = text.rfind('/');
  std::string_view name = text;
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    name = text.substr(0, colon);
    ref.tag = std::string(text.substr(colon + 1));
  } else {
    ref.tag = std::string(kDefaultTag);
  }
  if (name.empty())
    return invalid("name", "missing repository name in '" + std::string(text) + "'");
  if (name.size() > 255) return invalid("name", "repository name longer than 255 characters");
  std::size_t start = 0;
  while (true) {
    std::size_t end = name.find('/', start);
    std::string_view component =
        name.substr(start, end == std::string_view::npos ? name.npos : end - start);
    if (!valid_component(component)) {
      return invalid("name", "invalid repository name '" + std::string(name) +
                                 "': components are lower-case letters and digits joined by "
                                 "single '.', '_' or '-'");
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  bool tag_ok =
      !ref.tag.empty() && ref.tag.size() <= 128 && (is_alnum(ref.tag[0]) || ref.tag[0] == '_');
  for (char c : ref.tag) {
    if (!is_alnum(c) && c != '_' && c != '.' && c != '-') tag_ok = false;
  }
  if (!tag_ok) {
    return invalid("tag", "invalid tag '" + ref.tag +
                              "': 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'");
  }
  ref.name = std::string(name);
  return ref;
}

}  // namespace oci::store
