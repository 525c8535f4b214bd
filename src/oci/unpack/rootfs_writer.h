// oci/unpack/rootfs_writer.h: applies an image's layers (tar streams) in order
// into a new root filesystem directory, exactly and safely.
//
// This is the part of `lxcri image unpack` that touches the disk, so it is
// where a hostile layer would try to write outside the rootfs. Every parent
// path is resolved with openat2(RESOLVE_IN_ROOT), so symlinks planted by
// earlier entries (`evil -> /etc`, `evil -> ../../..`) resolve inside the
// root, and every final component is created with *at() calls that never
// follow a symlink. Entry names with ".." are refused, absolute names land
// inside the root (like tar).
//
// The rootfs is built in a sibling temp directory and renamed into place by
// commit(), so a failed unpack never leaves a half-valid `dir`. The temp
// directory is 0700 until commit() (other users cannot reach the tree half
// made, e.g. an image's world-writable tmp/, to swap a node for a symlink),
// then gets the image's "./" mode, or 0755.
//
// `dir`'s parent must not be writable by other users: they could replace
// the temp directory or `dir` itself between our steps there.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "oci/archive/byte_source.h"

namespace oci::unpack {

// Bounds on what a (possibly hostile) set of layers may make us write.
struct UnpackLimits {
  std::uint64_t max_total_bytes = 64ull << 30;  // sum of declared entry sizes, all layers
  std::uint64_t max_entries = 10'000'000;       // all layers
  std::size_t max_path_bytes = 4096;            // an entry name or link target, as stored
  std::size_t max_path_depth = 1024;            // components of an entry name or link target
  // Names kept in memory while unpacking: the paths each layer records for
  // its whiteouts (every entry's name and its ancestors not seen before),
  // all layers together. Without it 10M entries of 4000-byte names would
  // take 40 GB.
  std::uint64_t max_name_bytes = 1ull << 30;
};

struct UnpackOptions {
  UnpackLimits limits;
  // Whether to chown entries and mknod devices. Unset: geteuid() == 0.
  std::optional<bool> privileged;
  // Called for each non-fatal oddity (a device node skipped when unprivileged,
  // an xattr the filesystem refused, a temp dir that could not be removed,
  // ...). May be empty.
  std::function<void(std::string_view)> on_warning;
};

struct UnpackStats {
  std::uint64_t entries = 0;    // tar headers read, whiteouts included
  std::uint64_t bytes = 0;      // file data bytes written
  std::uint64_t whiteouts = 0;  // whiteout and opaque markers applied
  // Names read from directories to remove what lower layers put there: at
  // most each directory's size once per layer, however many markers name it.
  std::uint64_t names_scanned = 0;
  std::uint64_t skipped = 0;  // entries not created (devices when unprivileged,
                              // sockets, hardlinks to those)
};

class RootfsWriter {
 public:
  // `dir` must not exist, or be an empty directory. Creates a sibling temp
  // directory "<parent>/.<name>.lxcri-partial-XXXXXX" and unpacks there.
  static core::Result<RootfsWriter> begin(const std::filesystem::path& dir,
                                          UnpackOptions options = {});

  RootfsWriter(RootfsWriter&&) noexcept;
  RootfsWriter& operator=(RootfsWriter&&) noexcept;
  RootfsWriter(const RootfsWriter&) = delete;
  RootfsWriter& operator=(const RootfsWriter&) = delete;
  // Not committed: removes the temp dir (recursively, without following
  // symlinks); a failure to do so is reported through on_warning.
  ~RootfsWriter();

  // Applies one layer, reading `tar` to its very end (past the tar's end
  // blocks: a verifying source reports a digest mismatch only from its last
  // call). `layer_name` (e.g. the digest) goes into every error message.
  // After an error the writer is broken: later calls fail with
  // kFailedPrecondition and the destructor removes the temp dir.
  core::Status apply_layer(archive::ByteSource& tar, std::string_view layer_name);

  // Applies deferred directory metadata (mtimes, modes of read-only dirs),
  // syncs the filesystem once (no fsync per file, like tar), then renames the
  // temp dir to `dir`. At most once. Once the rename is done the unpack has
  // succeeded: a failed fsync of the parent afterwards (the rename's own
  // durability) is a warning, not an error, since `dir` is there and an
  // error would make the caller think it is not.
  core::Status commit();

  const UnpackStats& stats() const;

 private:
  struct State;
  explicit RootfsWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace oci::unpack
