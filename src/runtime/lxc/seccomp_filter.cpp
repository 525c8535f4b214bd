#include "runtime/lxc/seccomp_filter.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

namespace runtime::lxc {
namespace {

using core::Error;
using core::ErrorCode;

struct CtxDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

core::Result<std::uint32_t> action(const std::string& name, std::optional<std::uint32_t> errno_ret,
                                   const std::string& field) {
  std::uint32_t e = errno_ret.value_or(EPERM);
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(e);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(e);
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  return Error(ErrorCode::kInvalidArgument, "unsupported seccomp action '" + name + "'")
      .with_field(field);
}

core::Result<scmp_compare> compare_op(const std::string& op, const std::string& field) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  return Error(ErrorCode::kInvalidArgument, "unknown seccomp operator '" + op + "'")
      .with_field(field);
}

core::Result<std::uint32_t> architecture(const std::string& name, const std::string& field) {
  std::string lower = name;
  if (lower.starts_with("SCMP_ARCH_")) lower = lower.substr(10);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  std::uint32_t arch = seccomp_arch_resolve_name(lower.c_str());
  if (arch == 0) {
    return Error(ErrorCode::kInvalidArgument, "unknown seccomp architecture '" + name + "'")
        .with_field(field);
  }
  return arch;
}

core::Error seccomp_error(const std::string& what, int rc, const std::string& field) {
  return Error(ErrorCode::kInvalidArgument, what + ": " + std::strerror(-rc)).with_field(field);
}

}  // namespace

core::Result<std::string> compile_seccomp(const spec::Seccomp& p,
                                          std::vector<std::string>& warnings) {
  const std::string base = "linux.seccomp";
  auto def = action(p.default_action, p.default_errno_ret, base + ".defaultAction");
  if (!def) return def.error();
  Ctx ctx(seccomp_init(def.value()));
  if (!ctx) return Error(ErrorCode::kInternal, "seccomp_init failed");
  // The helper sets no_new_privs itself when the config asks for it.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
  for (std::size_t i = 0; i < p.architectures.size(); ++i) {
    std::string field = base + ".architectures[" + std::to_string(i) + "]";
    auto arch = architecture(p.architectures[i], field);
    if (!arch) return arch.error();
    int rc = seccomp_arch_add(ctx.get(), arch.value());
    if (rc != 0 && rc != -EEXIST) return seccomp_error("cannot add architecture", rc, field);
  }
  for (std::size_t i = 0; i < p.flags.size(); ++i) {
    const std::string& f = p.flags[i];
    std::string field = base + ".flags[" + std::to_string(i) + "]";
    int rc = 0;
    if (f == "SECCOMP_FILTER_FLAG_LOG") {
      rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_LOG, 1);
    } else if (f == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") {
      rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_SSB, 1);
    } else if (f != "SECCOMP_FILTER_FLAG_TSYNC") {
      return Error(ErrorCode::kInvalidArgument, "unsupported seccomp flag '" + f + "'")
          .with_field(field);
    }
    if (rc != 0) return seccomp_error("cannot set flag " + f, rc, field);
  }
  for (std::size_t i = 0; i < p.syscalls.size(); ++i) {
    const spec::SeccompRule& rule = p.syscalls[i];
    std::string field = base + ".syscalls[" + std::to_string(i) + "]";
    auto act = action(rule.action, rule.errno_ret, field + ".action");
    if (!act) return act.error();
    if (act.value() == def.value()) continue;  // libseccomp refuses rules equal to the default
    std::vector<scmp_arg_cmp> cmps;
    for (std::size_t a = 0; a < rule.args.size(); ++a) {
      const spec::SeccompArg& arg = rule.args[a];
      auto op = compare_op(arg.op, field + ".args[" + std::to_string(a) + "].op");
      if (!op) return op.error();
      if (arg.index > 5) {
        return Error(ErrorCode::kInvalidArgument, "syscall argument index must be 0-5")
            .with_field(field + ".args[" + std::to_string(a) + "].index");
      }
      cmps.push_back({arg.index, op.value(), arg.value, arg.value_two});
    }
    for (const std::string& name : rule.names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) {
        warnings.push_back("seccomp: unknown syscall '" + name + "' skipped");
        continue;
      }
      int rc = seccomp_rule_add_array(ctx.get(), act.value(), nr,
                                      static_cast<unsigned>(cmps.size()), cmps.data());
      if (rc != 0) return seccomp_error("cannot add rule for '" + name + "'", rc, field);
    }
  }
  int fd = ::memfd_create("seccomp-bpf", MFD_CLOEXEC);
  if (fd < 0)
    return Error(ErrorCode::kInternal, std::string("memfd_create: ") + std::strerror(errno));
  int rc = seccomp_export_bpf(ctx.get(), fd);
  std::string bpf;
  if (rc == 0) {
    off_t size = ::lseek(fd, 0, SEEK_END);
    bpf.resize(static_cast<std::size_t>(size));
    if (::pread(fd, bpf.data(), bpf.size(), 0) != size) rc = -EIO;
  }
  ::close(fd);
  if (rc != 0) return seccomp_error("cannot export the filter", rc, base);
  return bpf;
}

}  // namespace runtime::lxc
