// oci/transport/disk_entry.h: one file of a tree being packed, opened
// relative to its directory's descriptor and described from what was opened
// (internal to src/oci/transport).
//
// The tree may change while it is packed. Paths are never re-resolved: the
// entry is looked up with fstatat(AT_SYMLINK_NOFOLLOW) in an open directory,
// regular files and directories are opened O_NOFOLLOW and their tar header
// comes from fstat of that descriptor, symlinks are read with readlinkat, so
// a directory swapped for a symlink mid-walk is packed as that symlink and
// never followed. FIFOs and devices are described, never opened.
//
// Metadata kept: type, numeric owners, mode, mtime, device numbers, and
// xattrs except security.* (host SELinux labels and the like describe the
// build host, not the image; security.capability is kept, as Docker does)
// and system.* (ACLs, which layers leave out). No sparse map is ever set,
// so a layer's bytes do not depend on how the file is allocated on disk.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>

#include "core/error.h"
#include "oci/store/posix_file.h"
#include "oci/transport/libarchive_handle.h"

namespace oci::transport {

struct DiskEntry {
  ArchiveEntry entry;   // pathname `archive_name`, no atime/ctime
  store::UniqueFd fd;   // open for regular files and directories
  struct stat st = {};  // of `fd` when open, else of the name
};

// `name` in `dir_fd` as the tar entry `archive_name`; nullopt for a socket
// (skipped, as Docker does). `path` is for errors only.
core::Result<std::optional<DiskEntry>> open_disk_entry(int dir_fd, const std::string& name,
                                                       const std::string& archive_name,
                                                       const std::filesystem::path& path);

// kFailedPrecondition "<path>: file changed while reading": the tree moved
// under the walk (a type, a link target or a file's size is not what it was).
core::Error file_changed(const std::filesystem::path& path);

// The tree's root, opened (following links: the user named it) as "./".
core::Result<DiskEntry> open_root_entry(const std::filesystem::path& root);

}  // namespace oci::transport
