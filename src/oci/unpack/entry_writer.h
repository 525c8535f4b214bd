// oci/unpack/entry_writer.h: creating one tar entry's final component in its
// (already resolved) parent directory, with its data and metadata (internal
// to src/oci/unpack).
//
// Every create is an *at() call relative to the parent's descriptor that
// never follows a symlink at the name (O_NOFOLLOW, symlinkat, mknodat, ...).
// What is already at the name is replaced: unlinked, or removed recursively
// if it is a directory, except that a directory over a directory keeps its
// contents and takes the new metadata (umoci's and containerd's rule).
//
// Metadata order matters: chown clears setuid/setgid and file capabilities,
// so it comes before chmod, and xattrs (security.capability) after both.
// Directories' modes and times are recorded in DeferredDirs instead.
// xattrs named trusted.overlay.* are dropped with a warning: overlayfs
// would obey them if the rootfs became one of its layers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "oci/unpack/dir_metadata.h"
#include "oci/unpack/root_dir.h"
#include "oci/unpack/tar_stream.h"

struct archive_entry;

namespace oci::unpack {

// Where an entry goes: the resolved parent and the final component, plus
// what to say in warnings.
struct EntryTarget {
  int dir_fd;
  const char* name;             // NUL-terminated, no "/"
  std::string_view clean_path;  // for the directory cache
};

using WarningSink = std::function<void(std::string_view)>;

class EntryWriter {
 public:
  EntryWriter(RootDir& root, DeferredDirs& dirs, bool privileged);

  // Errors carry a message without the layer and entry; the caller adds them.
  // `warn` receives non-fatal oddities (an xattr the filesystem refused).
  core::Status write_file(const EntryTarget& at, archive_entry* entry, TarStream& tar,
                          std::uint64_t& bytes_written, const WarningSink& warn);
  core::Status make_dir(const EntryTarget& at, archive_entry* entry, const WarningSink& warn);
  core::Status make_symlink(const EntryTarget& at, const char* target, archive_entry* entry,
                            const WarningSink& warn);
  // `target_fd`: an O_PATH descriptor of the (non-directory) link target.
  core::Status make_hardlink(const EntryTarget& at, int target_fd);
  // A FIFO, or a character/block device. false when the device was skipped
  // because this writer is not privileged (the caller warns, counts it and
  // removes what lower layers had at the name).
  core::Result<bool> make_node(const EntryTarget& at, archive_entry* entry,
                               const WarningSink& warn);

  // The root directory's own entry ("./"): its metadata only; its mode is
  // applied at commit (DeferredDirs), the root staying 0700 until then.
  core::Status set_root_metadata(archive_entry* entry, const WarningSink& warn);

 private:
  template <class Create>
  int create_replacing(const EntryTarget& at, Create create);
  core::Status set_owner_and_mode(int fd, archive_entry* entry, mode_t mode);
  void set_xattrs(int fd, const EntryTarget* at, archive_entry* entry, const WarningSink& warn);
  core::Status write_data(int fd, archive_entry* entry, TarStream& tar, std::uint64_t& written);

  RootDir& root_;
  DeferredDirs& dirs_;
  bool privileged_;
  std::unique_ptr<char[]> buffer_;  // coalesces small data blocks into large writes
};

}  // namespace oci::unpack
