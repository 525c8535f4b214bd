// apps/lxcri/snapshot_command.h: `lxcri snapshot ...`, the store's
// copy-on-write snapshots (layerfs/snapshotter.h), run by lxcri-image.
//
//   lxcri snapshot ls [--format table|json]   every snapshot: key, kind, parent
//   lxcri snapshot usage [KEY...]             disk bytes and inodes of each
//                                             (its own, not its parents')
//   lxcri snapshot rm [--chain] KEY...        remove; --chain also removes the
//                                             parents nothing else uses
// Each takes --store and --snapshotter (default overlayfs). Exit codes as
// for `lxcri image` (exit_codes.h): 3 for an unknown key, 4 for a snapshot
// that still has children.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace lxcri {

class SnapshotCommand {
 public:
  explicit SnapshotCommand(CLI::App& app);
  ~SnapshotCommand();
  bool parsed() const;
  int run();

  struct Options;

 private:
  std::unique_ptr<Options> options_;
};

}  // namespace lxcri
