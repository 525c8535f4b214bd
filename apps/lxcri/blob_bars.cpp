#include "blob_bars.h"

#include <unistd.h>

#include <cstdio>

#include "progress_bar.h"

namespace lxcri {

BlobBars::BlobBars() : enabled_(::isatty(STDERR_FILENO) == 1) {}

oci::Progress BlobBars::progress() {
  if (!enabled_) return {};
  return [this](std::uint64_t done, std::uint64_t total, std::string_view what) {
    update(done, total, what);
  };
}

void BlobBars::update(std::uint64_t done, std::uint64_t total, std::string_view what) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = blobs_.find(what);
  if (it == blobs_.end()) {
    order_.emplace_back(what);
    it = blobs_.emplace(std::string(what), Blob{}).first;
  }
  it->second = Blob{done, total};
  const auto now = std::chrono::steady_clock::now();
  if (done != total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw();
}

void BlobBars::draw() {
  std::string out;
  if (lines_drawn_ > 0) out += "\033[" + std::to_string(lines_drawn_) + "A";
  for (const std::string& digest : order_) {
    const Blob& blob = blobs_.at(digest);
    // "sha256:" and 12 hex digits, as docker shows an id.
    const std::string id = digest.substr(0, std::min<std::size_t>(digest.size(), 19));
    out += "\r\033[K" + id + "  " + progress_text(blob.done, blob.total) + "\n";
  }
  lines_drawn_ = order_.size();
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace lxcri
