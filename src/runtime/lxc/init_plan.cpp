#include "runtime/lxc/init_plan.h"

#include <charconv>

namespace runtime::lxc {
namespace {

constexpr std::string_view kVersion = "lxcri-init-plan 2";

class Writer {
 public:
  void str(std::string_view s) {
    out.append(s);
    out.push_back('\0');
  }
  void num(std::uint64_t n) { str(std::to_string(n)); }
  void strs(const std::vector<std::string>& v) {
    num(v.size());
    for (const auto& s : v)
      str(s);
  }
  void hooks(const std::vector<PlanHook>& hs) {
    num(hs.size());
    for (const auto& h : hs) {
      str(h.path);
      strs(h.args);
      strs(h.env);
      num(static_cast<std::uint64_t>(h.timeout_seconds));
    }
  }
  std::string out;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }

  std::string str() {
    auto end = in_.find('\0', pos_);
    if (!ok_ || end == std::string_view::npos) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  std::uint64_t num() {
    std::string s = str();
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) ok_ = false;
    return n;
  }
  std::vector<std::string> strs() {
    std::uint64_t n = num();
    std::vector<std::string> v;
    for (std::uint64_t i = 0; i < n && ok_; ++i)
      v.push_back(str());
    return v;
  }
  std::vector<PlanHook> hooks() {
    std::uint64_t n = num();
    std::vector<PlanHook> v;
    for (std::uint64_t i = 0; i < n && ok_; ++i) {
      PlanHook h;
      h.path = str();
      h.args = strs();
      h.env = strs();
      h.timeout_seconds = static_cast<int>(num());
      v.push_back(std::move(h));
    }
    return v;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string encode(const InitPlan& p) {
  Writer w;
  w.str(kVersion);
  w.strs(p.args);
  w.strs(p.env);
  w.str(p.cwd);
  w.num(p.uid);
  w.num(p.gid);
  w.num(p.additional_gids.size());
  for (auto g : p.additional_gids)
    w.num(g);
  w.num(p.umask ? 1 : 0);
  w.num(p.umask.value_or(0));
  w.num(p.set_capabilities ? 1 : 0);
  for (auto c : p.capabilities)
    w.num(c);
  w.num(p.no_new_privileges ? 1 : 0);
  w.num(p.seccomp ? 1 : 0);
  w.num(p.devices.size());
  for (const auto& d : p.devices) {
    w.str(d.path);
    w.str(std::string(1, d.type));
    w.num(d.major);
    w.num(d.minor);
    w.num(d.mode);
    w.num(d.uid);
    w.num(d.gid);
  }
  w.strs(p.masked_paths);
  w.strs(p.readonly_paths);
  w.num(p.readonly_root ? 1 : 0);
  w.str(p.rootfs_propagation);
  w.hooks(p.create_container_hooks);
  w.hooks(p.start_container_hooks);
  w.num(p.terminal ? 1 : 0);
  w.num(p.console_height);
  w.num(p.console_width);
  return w.out;
}

bool decode(std::string_view bytes, InitPlan& p, std::string& error) {
  Reader r(bytes);
  if (r.str() != kVersion) {
    error = "not an init plan of this lxcri version";
    return false;
  }
  p.args = r.strs();
  p.env = r.strs();
  p.cwd = r.str();
  p.uid = static_cast<std::uint32_t>(r.num());
  p.gid = static_cast<std::uint32_t>(r.num());
  std::uint64_t ngids = r.num();
  for (std::uint64_t i = 0; i < ngids && r.ok(); ++i) {
    p.additional_gids.push_back(static_cast<std::uint32_t>(r.num()));
  }
  bool has_umask = r.num() != 0;
  auto umask = static_cast<std::uint32_t>(r.num());
  if (has_umask) p.umask = umask;
  p.set_capabilities = r.num() != 0;
  for (auto& c : p.capabilities)
    c = r.num();
  p.no_new_privileges = r.num() != 0;
  p.seccomp = r.num() != 0;
  std::uint64_t ndev = r.num();
  for (std::uint64_t i = 0; i < ndev && r.ok(); ++i) {
    PlanDevice d;
    d.path = r.str();
    std::string t = r.str();
    d.type = t.empty() ? '?' : t[0];
    d.major = r.num();
    d.minor = r.num();
    d.mode = static_cast<std::uint32_t>(r.num());
    d.uid = static_cast<std::uint32_t>(r.num());
    d.gid = static_cast<std::uint32_t>(r.num());
    p.devices.push_back(std::move(d));
  }
  p.masked_paths = r.strs();
  p.readonly_paths = r.strs();
  p.readonly_root = r.num() != 0;
  p.rootfs_propagation = r.str();
  p.create_container_hooks = r.hooks();
  p.start_container_hooks = r.hooks();
  p.terminal = r.num() != 0;
  p.console_height = static_cast<std::uint32_t>(r.num());
  p.console_width = static_cast<std::uint32_t>(r.num());
  if (!r.ok() || !r.at_end() || p.args.empty()) {
    error = "truncated or malformed init plan";
    return false;
  }
  return true;
}

}  // namespace runtime::lxc
