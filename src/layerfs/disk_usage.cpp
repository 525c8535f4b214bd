#include "layerfs/disk_usage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>
#include <vector>

namespace layerfs {

core::Result<Usage> disk_usage(const std::filesystem::path& dir) {
  struct stat root {};
  if (::lstat(dir.c_str(), &root) != 0) {
    return core::Error(errno == ENOENT ? core::ErrorCode::kNotFound : core::ErrorCode::kInternal,
                       std::string("cannot measure: ") + std::strerror(errno))
        .with_file(dir.string());
  }
  Usage usage;
  std::set<std::pair<dev_t, ino_t>> linked;  // files with more than one link, counted once
  auto count = [&](const struct stat& st) {
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && !linked.emplace(st.st_dev, st.st_ino).second) {
      return;
    }
    usage.bytes += static_cast<std::uint64_t>(st.st_blocks) * 512;
    ++usage.inodes;
  };
  count(root);
  if (!S_ISDIR(root.st_mode)) return usage;
  std::error_code ec;
  auto options = std::filesystem::directory_options::skip_permission_denied;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, options, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;  // gone meanwhile
    if (S_ISDIR(st.st_mode) && st.st_dev != root.st_dev) {
      it.disable_recursion_pending();  // a mount inside: not ours
      continue;
    }
    count(st);
  }
  if (ec) {
    return core::Error(core::ErrorCode::kInternal, "cannot measure: " + ec.message())
        .with_file(dir.string());
  }
  return usage;
}

}  // namespace layerfs
