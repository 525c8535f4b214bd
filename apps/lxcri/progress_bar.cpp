#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>

#include "core/memory/memory_metrics.h"

namespace lxcri {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;

}  // namespace

ProgressBar::ProgressBar() : enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total, std::string_view what) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  // A new step is drawn at once; within a step, at most every 100 ms.
  bool new_step = what != last_what_;
  if (!new_step && now - last_draw_ < kRedrawInterval && done != total) return;
  last_draw_ = now;
  if (new_step) last_what_ = what;
  draw(done, total, what);
}

std::string progress_text(std::uint64_t done, std::uint64_t total) {
  const std::string amount = core::format_bytes(static_cast<int64_t>(done));
  if (total == 0) return amount;
  const std::uint64_t clamped = done < total ? done : total;
  const int filled = static_cast<int>(clamped * kBarWidth / total);
  return "[" + std::string(filled, '#') + std::string(kBarWidth - filled, ' ') + "] " +
         std::to_string(clamped * 100 / total) + "% " + amount + " / " +
         core::format_bytes(static_cast<int64_t>(total));
}

void ProgressBar::draw(std::uint64_t done, std::uint64_t total, std::string_view what) {
  const std::string line = "\r\033[K" + std::string(what) + " " + progress_text(done, total);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
  last_what_.clear();
}

}  // namespace lxcri
