// apps/lxcri/blob_bars.h: a progress line per blob on stderr, for pull and
// push (as `docker pull` shows its layers):
//
//   sha256:3f4a5b6c7d8e  [###############               ] 50% 9.8 MiB / 19.6 MiB
//
// Only on a terminal (logs and pipes get the command's one-line summary);
// redrawn at most ten times a second, and when a blob completes. Lines
// appear in the order blobs start. The last state stays on screen.
// Thread-safe: the transfers of several blobs report at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "oci/progress.h"

namespace lxcri {

class BlobBars {
 public:
  BlobBars();
  BlobBars(const BlobBars&) = delete;
  BlobBars& operator=(const BlobBars&) = delete;

  // `done` bytes of the blob `what` (a digest) of `total`.
  void update(std::uint64_t done, std::uint64_t total, std::string_view what);
  // A callback for PullOptions/PushOptions: empty when not on a terminal.
  oci::Progress progress();

 private:
  struct Blob {
    std::uint64_t done = 0;
    std::uint64_t total = 0;
  };
  void draw();

  bool enabled_;
  std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, Blob, std::less<>> blobs_;
  std::size_t lines_drawn_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace lxcri
