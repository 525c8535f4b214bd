#include "privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "errno_failure.h"

namespace lxcri_init {
namespace {

enum Set { kBounding, kEffective, kInheritable, kPermitted, kAmbient };

int last_cap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = 40;
  in >> last;
  return last;
}

std::string load_seccomp(const std::string& bpf) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(bpf.size() / sizeof(sock_filter));
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(bpf.data()));
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
    return errno_failure("cannot load seccomp filter");
  return {};
}

// Needs CAP_SETPCAP in the effective set: done while still root.
std::string drop_bounding(std::uint64_t bounding) {
  int last = last_cap();
  for (int c = 0; c <= last; ++c) {
    if (!(bounding >> c & 1) && ::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) {
      return errno_failure("cannot drop capability " + std::to_string(c) +
                           " from the bounding set");
    }
  }
  return {};
}

// After the user switch, which PR_SET_KEEPCAPS made keep the permitted set.
std::string set_capabilities(const std::uint64_t caps[5]) {
  int last = last_cap();
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<std::uint32_t>(caps[kEffective] >> (32 * i));
    data[i].permitted = static_cast<std::uint32_t>(caps[kPermitted] >> (32 * i));
    data[i].inheritable = static_cast<std::uint32_t>(caps[kInheritable] >> (32 * i));
  }
  if (::syscall(SYS_capset, &header, data) != 0) return errno_failure("cannot set capabilities");
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  // The kernel raises an ambient capability only when it is also permitted
  // and inheritable; runc skips the others (runc's default spec lists
  // ambient capabilities that are not inheritable), and so do we.
  std::uint64_t ambient = caps[kAmbient] & caps[kPermitted] & caps[kInheritable];
  for (int c = 0; c <= last; ++c) {
    if ((ambient >> c & 1) && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0) {
      return errno_failure("cannot raise ambient capability " + std::to_string(c));
    }
  }
  return {};
}

}  // namespace

std::string apply_privileges(const runtime::lxc::InitPlan& plan, const std::string& seccomp_bpf) {
  bool late_seccomp = plan.no_new_privileges;
  if (!seccomp_bpf.empty() && !late_seccomp) {
    if (auto e = load_seccomp(seccomp_bpf); !e.empty()) return e;
  }
  if (plan.set_capabilities) {
    if (auto e = drop_bounding(plan.capabilities[kBounding]); !e.empty()) return e;
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno_failure("PR_SET_KEEPCAPS");
  }
  std::vector<gid_t> groups(plan.additional_gids.begin(), plan.additional_gids.end());
  if (::setgroups(groups.size(), groups.data()) != 0 && !(errno == EPERM && groups.empty())) {
    return errno_failure("cannot set additional groups");
  }
  if (::setresgid(plan.gid, plan.gid, plan.gid) != 0)
    return errno_failure("cannot set gid " + std::to_string(plan.gid));
  if (::setresuid(plan.uid, plan.uid, plan.uid) != 0)
    return errno_failure("cannot set uid " + std::to_string(plan.uid));
  if (plan.umask) ::umask(static_cast<mode_t>(*plan.umask));
  if (plan.set_capabilities) {
    if (auto e = set_capabilities(plan.capabilities); !e.empty()) return e;
  }
  if (plan.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return errno_failure("no_new_privs");
  if (!seccomp_bpf.empty() && late_seccomp) return load_seccomp(seccomp_bpf);
  return {};
}

}  // namespace lxcri_init
