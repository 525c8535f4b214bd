#include "runtime/spec/process_overrides.h"

#include <charconv>

#include "runtime/spec/names.h"

namespace runtime::spec {
namespace {

using core::Error;
using core::ErrorCode;

Error bad(const std::string& flag, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, message).with_field(flag);
}

std::optional<std::uint32_t> parse_id(std::string_view text) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// A later NAME=VALUE replaces an earlier one, as the program would see it.
void set_env(std::vector<std::string>& env, const std::string& entry) {
  std::string name = entry.substr(0, entry.find('=') + 1);
  for (auto& e : env) {
    if (e.starts_with(name)) {
      e = entry;
      return;
    }
  }
  env.push_back(entry);
}

}  // namespace

core::Result<Process> apply_overrides(Process p, const ProcessOverrides& o) {
  if (o.args.empty()) return bad("ARGS", "name the program to run in the container");
  p.args = o.args;
  for (const auto& e : o.env) {
    if (e.find('=') == std::string::npos || e.starts_with('=')) {
      return bad("--env", "expected NAME=VALUE, found '" + e + "'");
    }
    set_env(p.env, e);
  }
  if (!o.cwd.empty()) {
    if (!o.cwd.starts_with('/')) return bad("--cwd", "must be an absolute path: '" + o.cwd + "'");
    p.cwd = o.cwd;
  }
  if (!o.user.empty()) {
    std::string_view user = o.user;
    auto colon = user.find(':');
    auto uid = parse_id(user.substr(0, colon));
    auto gid = colon == std::string_view::npos ? std::optional<std::uint32_t>(p.user.gid)
                                               : parse_id(user.substr(colon + 1));
    if (!uid || !gid)
      return bad("--user", "expected UID or UID:GID (numbers), found '" + o.user + "'");
    p.user.uid = *uid;
    p.user.gid = *gid;
  }
  p.user.additional_gids.insert(p.user.additional_gids.end(), o.additional_gids.begin(),
                                o.additional_gids.end());
  for (const auto& name : o.capabilities) {
    auto number = capability_number(name);
    if (!number) return bad("--cap", "unknown capability '" + name + "'");
    if (!p.capabilities) continue;  // no capability handling: root keeps them all
    std::uint64_t bit = std::uint64_t{1} << *number;
    p.capabilities->bounding |= bit;
    p.capabilities->effective |= bit;
    p.capabilities->permitted |= bit;
    // Ambient needs inheritable, which --cap does not add (runc's rule).
    if (p.capabilities->inheritable != 0) p.capabilities->ambient |= bit;
  }
  if (o.no_new_privileges) p.no_new_privileges = *o.no_new_privileges;
  p.terminal = o.terminal;
  p.console_size.reset();
  return p;
}

}  // namespace runtime::spec
