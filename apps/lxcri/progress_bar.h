// apps/lxcri/progress_bar.h: a one-line progress bar on stderr for long
// commands (import, export, create, unpack).
//
// Drawn only when stderr is a terminal, so logs and pipes stay clean; at most
// ten redraws a second, so a callback per 1 MiB chunk costs nothing. With a
// known total it shows a bar and a percentage, without one the bytes so far.
// finish() clears the line.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace lxcri {

// "[#####     ] 52% 10.2 MiB / 19.6 MiB", or the bytes alone when the total
// is unknown (0).
std::string progress_text(std::uint64_t done, std::uint64_t total);

class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // `total` 0 when unknown. `what` names the current step ("layer 2/5").
  void update(std::uint64_t done, std::uint64_t total, std::string_view what);
  void finish();
  bool enabled() const { return enabled_; }

 private:
  void draw(std::uint64_t done, std::uint64_t total, std::string_view what);

  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
  std::string last_what_;
};

}  // namespace lxcri
