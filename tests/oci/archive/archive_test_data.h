// tests/oci/archive/archive_test_data.h: layer-like test data and the real
// `gzip` and `zstd` command-line tools to compress it, so the decompressors
// are checked against what images are actually made with, not against our
// own encoder.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace oci::archive::testing {

// Text-like pseudo-random words with some random binary runs: compressible,
// but not trivially (roughly tar content). Deterministic in `seed`.
inline std::string layer_data(std::size_t bytes, unsigned seed) {
  static const char* const kWords[] = {"usr",   "lib",  "bin",    "etc",     "share", "include",
                                       "local", "doc",  "python", "package", "the",   "of",
                                       "and",   "libc", "so",     "config",  "0644",  "root"};
  std::mt19937 rng(seed);
  std::string out;
  out.reserve(bytes + 64);
  while (out.size() < bytes) {
    if (rng() % 16 == 0) {
      for (int i = 0; i < 64; ++i)
        out.push_back(static_cast<char>(rng()));
    } else {
      out += kWords[rng() % std::size(kWords)];
      out.push_back(rng() % 8 == 0 ? '\n' : ' ');
    }
  }
  out.resize(bytes);
  return out;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `tool -c` (gzip or zstd, with extra `flags`) on `input` in a temp dir.
inline std::string compress_with(const std::string& tool, const std::string& input,
                                 const std::string& flags = "") {
  std::string pattern = (std::filesystem::temp_directory_path() / "lx_archive_XXXXXX").string();
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  std::filesystem::path dir = pattern;
  std::ofstream(dir / "in", std::ios::binary) << input;
  std::string command = tool + " -q -c " + flags + " '" + (dir / "in").string() + "' > '" +
                        (dir / "out").string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::string out = slurp(dir / "out");
  std::filesystem::remove_all(dir);
  return out;
}

inline std::string gzip(const std::string& input) {
  return compress_with("gzip", input);
}
inline std::string zstd(const std::string& input) {
  return compress_with("zstd", input);
}

}  // namespace oci::archive::testing
