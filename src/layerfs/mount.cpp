#include "layerfs/mount.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace layerfs {

namespace {

// The kernel copies at most one page of mount data.
constexpr size_t kMaxMountData = 4095;

std::string describe(const Mount& m) {
  std::string out = m.type + " " + m.source;
  for (size_t i = 0; i < m.options.size(); ++i)
    out += (i == 0 ? " -o " : ",") + m.options[i];
  return out;
}

core::Error mount_error(const Mount& m, const std::filesystem::path& target, int err) {
  std::string text = describe(m);
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return core::Error(core::ErrorCode::kInternal, "mount " + text + ": " + std::strerror(err))
      .with_file(target.string());
}

// The directory every one of `paths` is under, or empty when they share
// none below "/".
std::string common_dir(const std::vector<std::string>& paths) {
  if (paths.empty()) return "";
  std::string common = std::filesystem::path(paths[0]).parent_path().string();
  for (const std::string& p : paths) {
    while (!common.empty() && common != "/" && p.compare(0, common.size() + 1, common + "/") != 0)
      common = std::filesystem::path(common).parent_path().string();
  }
  return common == "/" ? "" : common;
}

// lowerdir=a:b, upperdir=c, workdir=d: the option's name and its paths, or
// false for any other option.
bool layer_option(const std::string& option, std::string& name, std::vector<std::string>& paths) {
  size_t eq = option.find('=');
  if (eq == std::string::npos) return false;
  name = option.substr(0, eq);
  if (name != "lowerdir" && name != "upperdir" && name != "workdir") return false;
  paths.clear();
  for (size_t start = eq + 1;;) {
    size_t colon = option.find(':', start);
    paths.push_back(option.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) return true;
    start = colon + 1;
  }
}

std::vector<std::string> layer_paths(const std::vector<std::string>& options) {
  std::vector<std::string> all, paths;
  std::string name;
  for (const std::string& o : options) {
    if (layer_option(o, name, paths)) all.insert(all.end(), paths.begin(), paths.end());
  }
  return all;
}

// Overlay data with every layer path made relative to `dir` (which they are
// all under: common_dir).
std::string relative_data(const std::vector<std::string>& options, const std::string& dir) {
  std::string data, name;
  std::vector<std::string> paths;
  for (const std::string& o : options) {
    if (o == "ro" || o == "rw") continue;
    std::string item = o;
    if (layer_option(o, name, paths)) {
      item = name + "=";
      for (size_t i = 0; i < paths.size(); ++i)
        item += (i == 0 ? "" : ":") + paths[i].substr(dir.size() + 1);
    }
    data += (data.empty() ? "" : ",") + item;
  }
  return data;
}

// mount(2) of an overlay from a child process that works in `dir`: the
// parent's working directory (shared by its threads) stays as it is.
int mount_from(const std::string& dir, const std::filesystem::path& target, unsigned long flags,
               const std::string& data) {
  pid_t pid = ::fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(errno);
    ::_exit(::mount("overlay", target.c_str(), "overlay", flags, data.c_str()) == 0 ? 0 : errno);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return errno;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

core::Status mount_one(const Mount& m, const std::filesystem::path& target) {
  bool ro = false;
  for (const std::string& o : m.options)
    ro = ro || o == "ro";
  if (m.type == "bind") {
    if (::mount(m.source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      return mount_error(m, target, errno);
    }
    if (ro &&
        ::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      int err = errno;
      ::umount2(target.c_str(), MNT_DETACH);
      return mount_error(m, target, err);
    }
    return core::Status();
  }
  if (m.type != "overlay") {
    return core::Error(core::ErrorCode::kInvalidArgument, "unknown mount type '" + m.type + "'")
        .with_file(target.string());
  }
  std::string data;
  for (const std::string& o : m.options) {
    if (o == "ro" || o == "rw") continue;
    data += (data.empty() ? "" : ",") + o;
  }
  const unsigned long flags = ro ? MS_RDONLY : 0;
  if (data.size() <= kMaxMountData) {
    if (::mount("overlay", target.c_str(), "overlay", flags, data.c_str()) != 0) {
      return mount_error(m, target, errno);
    }
    return core::Status();
  }
  std::string dir = common_dir(layer_paths(m.options));
  std::string relative = dir.empty() ? data : relative_data(m.options, dir);
  if (dir.empty() || relative.size() > kMaxMountData) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "overlay options are " + std::to_string(data.size()) +
                           " bytes, more than the kernel's " + std::to_string(kMaxMountData) +
                           " even with the layers' paths made relative")
        .with_file(target.string());
  }
  if (int err = mount_from(dir, std::filesystem::absolute(target), flags, relative); err != 0) {
    return mount_error(m, target, err);
  }
  return core::Status();
}

}  // namespace

core::Status mount_all(const std::vector<Mount>& mounts, const std::filesystem::path& target) {
  for (size_t i = 0; i < mounts.size(); ++i) {
    if (core::Status s = mount_one(mounts[i], target); !s.is_ok()) {
      for (size_t j = 0; j < i; ++j)
        ::umount2(target.c_str(), MNT_DETACH);
      return s;
    }
  }
  return core::Status();
}

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int value = 0;
      bool octal = true;
      for (size_t k = 1; k <= 3; ++k) {
        const char c = field[i + k];
        octal = octal && c >= '0' && c <= '7';
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

// The first path of option `name=` in comma-separated `options` (up to ':'
// or ','), or empty.
std::string first_path(const std::string& options, const std::string& name) {
  size_t at = 0;
  while ((at = options.find(name + "=", at)) != std::string::npos) {
    if (at == 0 || options[at - 1] == ',') {
      size_t start = at + name.size() + 1;
      size_t end = options.find_first_of(",:", start);
      return options.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    at += name.size();
  }
  return "";
}

bool ends_with_path(const std::string& ours, const std::string& theirs) {
  return !theirs.empty() && ours.size() >= theirs.size() &&
         ours.compare(ours.size() - theirs.size(), theirs.size(), theirs) == 0 &&
         (ours.size() == theirs.size() || theirs[0] == '/' ||
          ours[ours.size() - theirs.size() - 1] == '/');
}

}  // namespace

std::optional<MountedAt> mounted_at(const std::filesystem::path& target) {
  const std::string want = std::filesystem::absolute(target).lexically_normal().string();
  std::ifstream in("/proc/self/mountinfo");
  std::optional<MountedAt> top;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devs, root, point, field;
    fields >> id >> parent >> devs >> root >> point;
    if (unescape(point) != want) continue;
    while (fields >> field && field != "-") {
    }
    MountedAt m;
    fields >> m.fstype >> field >> m.super_options;
    m.root = unescape(root);
    top = std::move(m);  // later lines are mounted on top of earlier ones
  }
  return top;
}

bool is_mount_of(const Mount& m, const std::filesystem::path& target) {
  std::optional<MountedAt> now = mounted_at(target);
  if (!now) return false;
  if (m.type == "bind") {
    if (now->fstype == "overlay") return false;
    // The directory seen at `target` is the source itself: mountinfo's root
    // alone would not do, a bind of a ZFS dataset's own mount shows "/".
    // Where either cannot be stat'ed (a FUSE daemon gone), the root it is.
    struct stat seen, source;
    if (::stat(target.c_str(), &seen) == 0 && ::stat(m.source.c_str(), &source) == 0) {
      return seen.st_dev == source.st_dev && seen.st_ino == source.st_ino;
    }
    return ends_with_path(m.source, now->root);
  }
  if (m.type != "overlay" || now->fstype != "overlay") return false;
  std::string options;
  for (const std::string& o : m.options)
    options += (options.empty() ? "" : ",") + o;
  // Mounted with relative paths (mount_from), the kernel shows them so.
  const char* key = first_path(options, "upperdir").empty() ? "lowerdir" : "upperdir";
  return ends_with_path(first_path(options, key), first_path(now->super_options, key));
}

core::Status unmount(const std::filesystem::path& target, bool detach) {
  if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) return core::Status();
  const int err = errno;
  if (err == EINVAL || err == ENOENT) {
    return core::Error(core::ErrorCode::kNotFound, "nothing is mounted there")
        .with_file(target.string());
  }
  if (err == EBUSY && detach && ::umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) {
    return core::Status();
  }
  return core::Error(
             err == EBUSY ? core::ErrorCode::kFailedPrecondition : core::ErrorCode::kInternal,
             std::string("unmount: ") + std::strerror(err))
      .with_file(target.string());
}

}  // namespace layerfs
