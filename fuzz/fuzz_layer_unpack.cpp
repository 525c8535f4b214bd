// fuzz/fuzz_layer_unpack.cpp: libFuzzer target for the layer applier, the
// code that turns untrusted tar bytes into files.
//
// Each input is one layer tar (fed in pieces whose size the first byte
// picks, so libarchive's read callback sees odd boundaries) applied by a
// RootfsWriter into a fresh directory inside a private scratch directory,
// then committed when it applied. Beyond "no crash, hang, leak or sanitizer
// report" it checks the applier's promises: nothing appears in the scratch
// directory but the rootfs itself (so no `..`, link or whiteout trick
// reached its parent), a file planted beside the rootfs is untouched, a
// failed unpack leaves no rootfs and no partial directory, and every error
// names the layer.
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "oci/archive/byte_source.h"
#include "oci/unpack/rootfs_writer.h"

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_layer_unpack: %s\n", what.c_str());
  std::abort();
}

class PieceSource final : public oci::archive::ByteSource {
 public:
  PieceSource(std::string_view data, std::size_t piece) : data_(data), piece_(piece) {}
  core::Result<std::string_view> next() override {
    std::string_view chunk = data_.substr(0, std::min(piece_, data_.size()));
    data_.remove_prefix(chunk.size());
    return chunk;
  }

 private:
  std::string_view data_;
  std::size_t piece_;
};

constexpr std::string_view kScratchPrefix = "lxcri-fuzz-unpack-";

// libFuzzer ends with _Exit (no atexit handlers), so each run removes the
// scratch dirs of runs that are gone before it makes its own.
void remove_dead_scratch_dirs() {
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path())) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(kScratchPrefix)) continue;
    pid_t pid = std::atoi(name.c_str() + kScratchPrefix.size());
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(entry.path());
  }
}

const fs::path& scratch() {
  static const fs::path dir = [] {
    remove_dead_scratch_dirs();
    fs::path d =
        fs::temp_directory_path() / (std::string(kScratchPrefix) + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    std::ofstream(d / "planted") << "planted";
    return d;
  }();
  return dir;
}

// What the scratch dir holds besides "planted", which must be unchanged.
std::vector<std::string> scratch_entries() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(scratch())) {
    std::string name = entry.path().filename().string();
    if (name != "planted") names.push_back(name);
  }
  std::ifstream planted(scratch() / "planted");
  std::string content((std::istreambuf_iterator<char>(planted)), std::istreambuf_iterator<char>());
  if (content != "planted" || fs::is_symlink(scratch() / "planted")) {
    fail("the file beside the rootfs was changed");
  }
  return names;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t piece = 1 + data[0] % 64 * 97;
  std::string_view tar(reinterpret_cast<const char*>(data) + 1, size - 1);
  const fs::path root = scratch() / "rootfs";

  oci::unpack::UnpackOptions options;
  options.privileged = false;  // no chown/mknod churn; the paths are what is fuzzed
  options.limits.max_total_bytes = 64 << 20;
  options.limits.max_entries = 20'000;
  options.on_warning = [](std::string_view) {};
  bool committed = false;
  {
    auto writer = oci::unpack::RootfsWriter::begin(root, options);
    if (!writer.is_ok()) fail("begin: " + writer.error().to_string());
    PieceSource source(tar, piece);
    core::Status applied = writer.value().apply_layer(source, "fuzz-layer");
    if (applied.is_ok()) {
      core::Status done = writer.value().commit();
      if (!done.is_ok()) fail("commit after a good layer: " + done.to_string());
      committed = true;
    } else if (applied.to_string().find("fuzz-layer") == std::string::npos) {
      fail("an error that does not name the layer: " + applied.to_string());
    }
  }  // an uncommitted writer removes its temp dir here
  std::vector<std::string> left = scratch_entries();
  std::vector<std::string> expected;
  if (committed) expected.push_back("rootfs");
  if (left != expected) {
    std::string names;
    for (const auto& name : left)
      names += " " + name;
    fail("the scratch dir holds" + names + (committed ? " (committed)" : " (failed)"));
  }
  if (committed) {
    std::error_code ec;
    fs::remove_all(root, ec);
    if (ec) fail("cannot remove the rootfs: " + ec.message());
  }
  return 0;
}
