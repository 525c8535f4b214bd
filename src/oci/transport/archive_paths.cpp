#include "oci/transport/archive_paths.h"

#include "oci/transport/errors.h"

namespace oci::transport {
namespace {

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

}  // namespace

core::Result<std::vector<std::string>> entry_components(std::string_view name) {
  if (name.empty()) return invalid_input("(unnamed entry)", "empty path");
  if (name.front() == '/') return invalid_input(name, "absolute path refused");
  std::vector<std::string> parts = split(name);
  for (const std::string& part : parts) {
    if (part == "..") return invalid_input(name, "'..' in path refused");
  }
  return parts;
}

std::string join_components(const std::vector<std::string>& parts) {
  std::string path;
  for (const std::string& part : parts) {
    if (!path.empty()) path += '/';
    path += part;
  }
  return path;
}

core::Result<std::string> resolve_link(std::string_view link, std::string_view target) {
  auto link_parts = entry_components(link);
  if (!link_parts) return link_parts.error();
  if (!target.empty() && target.front() == '/') {
    return invalid_input(link, "symlink to an absolute path refused");
  }
  std::vector<std::string> parts = link_parts.value();
  if (!parts.empty()) parts.pop_back();  // relative to the link's directory
  for (std::string& part : split(target)) {
    if (part != "..") {
      parts.push_back(std::move(part));
    } else if (parts.empty()) {
      return invalid_input(link, "symlink leads outside the archive");
    } else {
      parts.pop_back();
    }
  }
  return join_components(parts);
}

}  // namespace oci::transport
