// oci/unpack/layer_applier.h: the loop that reads a layer's tar entries and
// applies each one to the rootfs (internal to src/oci/unpack).
//
// Per entry: count it and check the limits (the DECLARED size, before a byte
// is written, so a 1 TB sparse header is refused at once), clean and check
// its name, apply a whiteout or resolve its parent inside the root and hand
// it to the EntryWriter. Entries that cannot be created (devices when
// unprivileged, sockets) are skipped with a warning, and so are hardlinks to
// them in the same layer. Every error names the layer and the entry as stored
// in the tar: `layer sha256:ab..: entry "etc/../../x": path escapes the root ("..")`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/error.h"
#include "oci/archive/byte_source.h"
#include "oci/unpack/dir_metadata.h"
#include "oci/unpack/entry_path.h"
#include "oci/unpack/entry_writer.h"
#include "oci/unpack/layer_changes.h"
#include "oci/unpack/root_dir.h"
#include "oci/unpack/rootfs_writer.h"

namespace oci::unpack {

class LayerApplier {
 public:
  LayerApplier(UniqueFd root, UnpackOptions options, bool privileged);
  LayerApplier(const LayerApplier&) = delete;
  LayerApplier& operator=(const LayerApplier&) = delete;

  core::Status apply(archive::ByteSource& source, std::string_view layer_name);
  // The deferred directory metadata of all layers applied so far.
  core::Status finish_dirs() { return dirs_.apply(root_.root_fd()); }

  int root_fd() const { return root_.root_fd(); }
  const UnpackStats& stats() const { return stats_; }

 private:
  core::Status apply_entry(archive_entry* entry, TarStream& tar);
  core::Status apply_whiteout(WhiteoutKind kind, std::string_view parent, std::string_view victim);
  // false when skipped (its target was).
  core::Result<bool> apply_hardlink(const char* target, const EntryTarget& at);
  // Opens a hardlink's target inside the root: an O_PATH descriptor, an
  // invalid one when the target was skipped in this layer, or an error.
  core::Result<UniqueFd> open_link_target(const char* target);
  core::Status check_limits(archive_entry* entry);
  // Adds `bytes` of names kept in memory and checks max_name_bytes.
  core::Status count_name_bytes(std::uint64_t bytes);
  // The entry is not created (a device when unprivileged, a socket): what
  // lower layers had at its name goes all the same (the entry replaces it);
  // warns, counts, and remembers it for this layer's hardlinks to it.
  core::Status skip(const EntryTarget& at, std::string_view why);

  // "layer L: entry "N": what", the error every failure becomes.
  core::Error entry_error(core::ErrorCode code, std::string_view what) const;
  core::Error entry_error(const core::Error& cause) const;
  core::Error errno_error(std::string_view what, int err) const;

  UnpackOptions options_;
  RootDir root_;
  DeferredDirs dirs_;
  EntryWriter writer_;
  LayerChanges changes_;
  UnpackStats stats_;
  std::uint64_t declared_bytes_ = 0;
  std::uint64_t name_bytes_ = 0;
  // Paths of this layer's skipped entries: a hardlink to one is skipped too.
  std::unordered_set<std::string> skipped_;
  WarningSink warn_;  // prefixes the current layer and entry

  // The current layer and entry (for messages), and reused path buffers.
  std::string_view layer_;
  std::string_view name_;
  std::string path_;
  std::string link_path_;
  std::string victim_path_;
};

}  // namespace oci::unpack
