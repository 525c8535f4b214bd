#include "oci/transport/temp_dir.h"

#include <ftw.h>
#include <stdio.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>

#include "oci/store/posix_file.h"

namespace oci::transport {

core::Result<TempDir> TempDir::create() {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "lxcri-transport-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return store::sys_error("mkdtemp", pattern, errno);
  return TempDir(pattern);
}

namespace {

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
  ::remove(path);  // best effort: nothing to report to
  return 0;
}

}  // namespace

TempDir::~TempDir() {
  if (path_.empty()) return;
  // Children before parents, never following links, with at most a few
  // directories open at once: std::filesystem::remove_all keeps one
  // descriptor per level and gives up on deep trees when they run out.
  ::nftw(path_.c_str(), remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

}  // namespace oci::transport
