#include "oci/unpack/layer_changes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace oci::unpack {
namespace {

// The names in a directory, read before any of them is removed.
int list_names(int dir_fd, std::vector<std::string>& names) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(fd);
    return err;
  }
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  return 0;
}

std::string child_path(std::string_view parent, std::string_view name) {
  std::string path;
  path.reserve(parent.size() + 1 + name.size());
  path.append(parent);
  if (!parent.empty()) path.push_back('/');
  path.append(name);
  return path;
}

}  // namespace

std::size_t LayerChanges::record(std::string_view clean_path) {
  auto it = paths_.find(clean_path);
  if (it != paths_.end()) {
    it->second = true;
    return 0;  // its ancestors were marked when it was first seen
  }
  paths_.emplace(std::string(clean_path), true);
  std::size_t stored = clean_path.size();
  for (std::size_t slash = clean_path.rfind('/'); slash != std::string_view::npos;
       slash = clean_path.rfind('/', slash - 1)) {
    if (!paths_.try_emplace(std::string(clean_path.substr(0, slash)), false).second) break;
    stored += slash;
  }
  return stored;
}

int LayerChanges::remove_lower(RootDir& root, int dir_fd, const char* name,
                               std::string_view clean_path) {
  auto it = paths_.find(clean_path);
  if (it == paths_.end()) return root.remove(dir_fd, name);
  struct stat st;
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? 0 : errno;
  if (!S_ISDIR(st.st_mode)) return 0;  // created by this layer: stays
  int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  UniqueFd dir(fd);
  return make_opaque(root, fd, clean_path);
}

int LayerChanges::make_opaque(RootDir& root, int dir_fd, std::string_view clean_path) {
  struct stat st;
  if (::fstat(dir_fd, &st) != 0) return errno;
  const InodeKey key = InodeKey::of(st);
  if (purged_.contains(key)) return 0;
  std::vector<std::string> names;
  if (int err = list_names(dir_fd, names); err != 0) return err;
  names_scanned_ += names.size();
  for (const std::string& name : names) {
    if (int err = remove_lower(root, dir_fd, name.c_str(), child_path(clean_path, name));
        err != 0) {
      return err;
    }
  }
  purged_.insert(key);
  return 0;
}

}  // namespace oci::unpack
