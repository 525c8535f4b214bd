#include "container_setup.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lxcri_init {
namespace {

std::string fail(const std::string& what, const std::string& path) {
  const int err = errno;
  return what + " " + path + ": " + std::strerror(err);
}

// Creates the parent directories of `path` (mode 0755).
void make_parents(const std::string& path) {
  for (std::size_t i = 1; (i = path.find('/', i)) != std::string::npos; ++i) {
    ::mkdir(path.substr(0, i).c_str(), 0755);
  }
}

}  // namespace

std::string create_default_links() {
  const char* links[][2] = {{"/proc/self/fd", "/dev/fd"},       {"/proc/self/fd/0", "/dev/stdin"},
                            {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
                            {"pts/ptmx", "/dev/ptmx"},          {"/proc/kcore", "/dev/core"}};
  for (const auto& [target, path] : links) {
    if (::symlink(target, path) != 0 && errno != EEXIST) return fail("cannot create", path);
  }
  return {};
}

std::string create_devices(const std::vector<runtime::lxc::PlanDevice>& devices) {
  for (const auto& d : devices) {
    mode_t type = d.type == 'b' ? S_IFBLK : d.type == 'p' ? S_IFIFO : S_IFCHR;
    dev_t number = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
    make_parents(d.path);
    struct stat st;
    if (::lstat(d.path.c_str(), &st) == 0) {
      bool same = (st.st_mode & S_IFMT) == type && (type == S_IFIFO || st.st_rdev == number);
      if (!same) ::unlink(d.path.c_str());
    }
    if (::mknod(d.path.c_str(), type | (d.mode & 07777), number) != 0 && errno != EEXIST) {
      return fail("cannot create device", d.path);
    }
    if (::chown(d.path.c_str(), d.uid, d.gid) != 0) return fail("cannot chown device", d.path);
    if (::chmod(d.path.c_str(), d.mode & 07777) != 0) return fail("cannot chmod device", d.path);
  }
  return {};
}

std::string mask_paths(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      return fail("cannot mask", p);
    }
    int rc = S_ISDIR(st.st_mode) ? ::mount("tmpfs", p.c_str(), "tmpfs",
                                           MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0")
                                 : ::mount("/dev/null", p.c_str(), nullptr, MS_BIND, nullptr);
    if (rc != 0) return fail("cannot mask", p);
  }
  return {};
}

std::string make_readonly(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    if (::mount(p.c_str(), p.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      if (errno == ENOENT) continue;
      return fail("cannot bind", p);
    }
    // A remount must keep the flags the mount already has (nosuid, nodev...),
    // or the kernel refuses it in a user namespace.
    struct statvfs sv;
    unsigned long keep = 0;
    if (::statvfs(p.c_str(), &sv) == 0) {
      keep =
          sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME);
    }
    if (::mount(p.c_str(), p.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | keep,
                nullptr) != 0) {
      return fail("cannot make read-only", p);
    }
  }
  return {};
}

std::string set_root_propagation(const std::string& mode) {
  if (mode.empty()) return {};
  std::string m = mode.starts_with('r') ? mode.substr(1) : mode;
  unsigned long flag = m == "shared"    ? MS_SHARED
                       : m == "slave"   ? MS_SLAVE
                       : m == "private" ? MS_PRIVATE
                                        : MS_UNBINDABLE;
  if (::mount(nullptr, "/", nullptr, MS_REC | flag, nullptr) != 0) {
    return fail("cannot make the root " + mode + ":", "/");
  }
  return {};
}

std::string make_root_readonly() {
  struct statvfs sv;
  unsigned long keep = 0;
  if (::statvfs("/", &sv) == 0) {
    keep =
        sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME);
  }
  if (::mount("/", "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, nullptr) != 0) {
    return fail("cannot make the root read-only", "/");
  }
  return {};
}

std::string hide_init_dir(const std::string& dir) {
  std::string binary = dir + "init";
  if (::umount2(binary.c_str(), MNT_DETACH) != 0) return fail("cannot unmount", binary);
  if (::umount2(dir.c_str(), MNT_DETACH) != 0) return fail("cannot unmount", dir);
  if (::rmdir(dir.c_str()) != 0) return fail("cannot remove", dir);
  return {};
}

}  // namespace lxcri_init
