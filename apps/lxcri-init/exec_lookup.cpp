#include "exec_lookup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lxcri_init {
namespace {

// 0 when `path` is a file someone may execute, else an errno.
int check_executable(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) return EACCES;
  return 0;
}

}  // namespace

std::string find_program(const std::string& name, const std::vector<std::string>& env,
                         const std::string& cwd, std::string& program) {
  auto from_cwd = [&](const std::string& path) {
    return path.starts_with('/') ? path : cwd + "/" + path;
  };
  if (name.find('/') != std::string::npos) {
    if (int err = check_executable(from_cwd(name)); err != 0) {
      return "exec: \"" + name + "\": " + std::strerror(err);
    }
    program = from_cwd(name);
    return {};
  }
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& e : env) {
    if (e.starts_with("PATH=")) path = e.substr(5);
  }
  int found_err = ENOENT;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = from_cwd(dir.empty() ? "." : dir) + "/" + name;
    int err = check_executable(candidate);
    if (err == 0) {
      program = candidate;
      return {};
    }
    if (err == EACCES) found_err = EACCES;
    start = end + 1;
  }
  if (found_err == EACCES) return "exec: \"" + name + "\": permission denied";
  return "exec: \"" + name + "\": executable file not found in $PATH";
}

}  // namespace lxcri_init
