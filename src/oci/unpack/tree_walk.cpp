#include "oci/unpack/tree_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

namespace oci::unpack {
namespace {

struct Frame {
  std::string name;  // in the parent directory
  struct stat st;
  std::vector<std::string> pending;  // child directories still to visit
};

// Reads every entry of `fd` before the visitor changes the directory, then
// hands them to the visitor; the ones it descends into go to `pending`.
int list(int fd, TreeVisitor& visitor, std::vector<std::string>& pending) {
  int list_fd = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (list_fd < 0) return errno;
  DIR* dir = ::fdopendir(list_fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(list_fd);
    return err;
  }
  std::vector<std::pair<std::string, unsigned char>> entries;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") entries.emplace_back(name, entry->d_type);
  }
  ::closedir(dir);
  for (const auto& [name, type] : entries) {
    int rc = visitor.on_entry(fd, name.c_str(), type);
    if (rc < 0) return -rc;
    if (rc > 0) pending.push_back(name);
  }
  return 0;
}

}  // namespace

int TreeVisitor::open_child(int dir_fd, const char* name) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int walk_tree(UniqueFd top, TreeVisitor& visitor) {
  std::vector<Frame> stack(1);
  if (::fstat(top.get(), &stack[0].st) != 0) return errno;
  UniqueFd cur = std::move(top);
  if (int err = list(cur.get(), visitor, stack[0].pending); err != 0) return err;
  while (true) {
    Frame& frame = stack.back();
    if (!frame.pending.empty()) {
      std::string name = std::move(frame.pending.back());
      frame.pending.pop_back();
      int fd = visitor.open_child(cur.get(), name.c_str());
      if (fd == -ENOENT) continue;
      if (fd < 0) return -fd;
      UniqueFd child(fd);
      Frame next{std::move(name), {}, {}};
      if (::fstat(fd, &next.st) != 0) return errno;
      stack.push_back(std::move(next));
      cur = std::move(child);
      if (int err = list(cur.get(), visitor, stack.back().pending); err != 0) return err;
      continue;
    }
    if (stack.size() == 1) return visitor.leave(-1, nullptr, cur.get(), frame.st);
    // Up before leave(): it may take away the search permission ".." needs.
    int up = ::openat(cur.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (up < 0) return errno;
    UniqueFd parent(up);
    const struct stat& expected = stack[stack.size() - 2].st;
    struct stat st;
    if (::fstat(up, &st) != 0) return errno;
    if (st.st_dev != expected.st_dev || st.st_ino != expected.st_ino) return ESTALE;
    if (int err = visitor.leave(up, frame.name.c_str(), cur.get(), frame.st); err != 0) {
      return err;
    }
    stack.pop_back();
    cur = std::move(parent);
  }
}

}  // namespace oci::unpack
