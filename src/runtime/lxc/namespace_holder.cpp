#include "runtime/lxc/namespace_holder.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace runtime::lxc {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

core::Result<pid_t> namespace_holder(const std::string& type, const std::string& path) {
  struct stat target;
  if (::stat(path.c_str(), &target) != 0) {
    return core::Error(core::ErrorCode::kNotFound, "namespace '" + path + "' does not exist");
  }
  const std::string prefix = "/proc/";
  const std::string suffix = "/ns/" + type;
  if (path.starts_with(prefix) && path.ends_with(suffix) &&
      path.size() > prefix.size() + suffix.size()) {
    std::string pid = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (all_digits(pid)) return static_cast<pid_t>(std::atoi(pid.c_str()));
  }
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return core::Error(core::ErrorCode::kInternal, "cannot read /proc");
  pid_t found = 0;
  while (dirent* e = ::readdir(proc)) {
    std::string name = e->d_name;
    if (!all_digits(name)) continue;
    struct stat st;
    if (::stat((prefix + name + suffix).c_str(), &st) == 0 && st.st_dev == target.st_dev &&
        st.st_ino == target.st_ino) {
      found = static_cast<pid_t>(std::atoi(name.c_str()));
      break;
    }
  }
  ::closedir(proc);
  if (found == 0) {
    return core::Error(core::ErrorCode::kFailedPrecondition,
                       "no process is in namespace '" + path +
                           "': liblxc can join a namespace only through a process in it");
  }
  return found;
}

}  // namespace runtime::lxc
