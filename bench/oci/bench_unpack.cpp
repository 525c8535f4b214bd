// bench/oci/bench_unpack.cpp: applying one layer with RootfsWriter, the
// figure that `lxcri image unpack` must beat `tar -x` on.
//
//   BM_ApplyLayer  a ~100 MB pax tar of ~10,000 files (100 directories of
//                  100 files, sizes 0..20 KiB, one symlink and one hardlink
//                  every 50 files) generated once in memory, applied into a
//                  fresh directory under /dev/shm (else $TMPDIR) and
//                  committed, per iteration; removing it is not timed. The
//                  label names the filesystem, since that dominates.
//
// Whole-process comparisons with `tar -x` and umoci are in unpack_vs_peers.sh.
#include <archive.h>
#include <archive_entry.h>
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "oci/archive/byte_source.h"
#include "oci/unpack/rootfs_writer.h"

namespace {

constexpr int kDirs = 100;
constexpr int kFilesPerDir = 100;

struct Layer {
  std::string tar;
  std::int64_t entries = 0;
};

void add_entry(struct archive* a, const std::string& path, unsigned type, std::string_view data,
               const char* symlink = nullptr, const char* hardlink = nullptr) {
  struct archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, path.c_str());
  archive_entry_set_filetype(entry, type);
  archive_entry_set_perm(entry, type == AE_IFDIR ? 0755 : 0644);
  archive_entry_set_mtime(entry, 1'600'000'000, 0);
  if (symlink != nullptr) archive_entry_set_symlink(entry, symlink);
  if (hardlink != nullptr) archive_entry_set_hardlink(entry, hardlink);
  archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
  archive_write_header(a, entry);
  if (!data.empty()) archive_write_data(a, data.data(), data.size());
  archive_entry_free(entry);
}

// Deterministic sizes averaging ~10 KiB (so ~100 MB in all) and contents
// that are not all one byte.
const Layer& layer() {
  static const Layer layer = [] {
    Layer out;
    std::string content(20 * 1024, '\0');
    for (std::size_t i = 0; i < content.size(); ++i)
      content[i] = static_cast<char>(i * 131 + 7);
    struct archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open(
        a, &out.tar, nullptr,
        [](struct archive*, void* self, const void* buffer, size_t size) -> la_ssize_t {
          static_cast<std::string*>(self)->append(static_cast<const char*>(buffer), size);
          return static_cast<la_ssize_t>(size);
        },
        nullptr);
    std::uint32_t seed = 12345;
    for (int d = 0; d < kDirs; ++d) {
      const std::string dir = "usr/share/d" + std::to_string(d);
      add_entry(a, dir, AE_IFDIR, {});
      ++out.entries;
      for (int f = 0; f < kFilesPerDir; ++f) {
        const std::string path = dir + "/file" + std::to_string(f);
        seed = seed * 1103515245u + 12345u;
        if (f % 50 == 1) {
          add_entry(a, path, AE_IFLNK, {}, "file0");
        } else if (f % 50 == 2) {
          add_entry(a, path, AE_IFREG, {}, nullptr, (dir + "/file0").c_str());
        } else {
          add_entry(a, path, AE_IFREG, std::string_view(content).substr(0, (seed >> 8) % 20481));
        }
        ++out.entries;
      }
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
  }();
  return layer;
}

// Hands out the tar in 1 MiB chunks, as a decompressing source would.
class MemorySource : public oci::archive::ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  core::Result<std::string_view> next() override {
    std::string_view out = bytes_.substr(0, 1 << 20);
    bytes_.remove_prefix(out.size());
    return out;
  }

 private:
  std::string_view bytes_;
};

std::filesystem::path scratch_parent() {
  if (std::filesystem::is_directory("/dev/shm") && ::access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  return std::filesystem::temp_directory_path();
}

std::string filesystem_name(const std::filesystem::path& path) {
  struct statfs fs;
  if (::statfs(path.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x01021994:
      return "tmpfs";
    case 0xEF53:
      return "ext4";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    default:
      return "fs 0x" + [&] {
        char hex[17];
        std::snprintf(hex, sizeof hex, "%lx", static_cast<unsigned long>(fs.f_type));
        return std::string(hex);
      }();
  }
}

void BM_ApplyLayer(benchmark::State& state) {
  const Layer& tar = layer();
  std::string base = (scratch_parent() / "lxcri-bench-unpack-XXXXXX").string();
  if (::mkdtemp(base.data()) == nullptr) {
    state.SkipWithError("cannot create a scratch directory");
    return;
  }
  const std::filesystem::path dir = std::filesystem::path(base) / "rootfs";
  for (auto _ : state) {
    auto writer = oci::unpack::RootfsWriter::begin(dir);
    if (!writer) {
      state.SkipWithError(writer.error().to_string().c_str());
      break;
    }
    MemorySource source(tar.tar);
    if (auto s = writer.value().apply_layer(source, "bench"); !s) {
      state.SkipWithError(s.to_string().c_str());
      break;
    }
    if (auto s = writer.value().commit(); !s) {
      state.SkipWithError(s.to_string().c_str());
      break;
    }
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  std::filesystem::remove_all(base);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(tar.tar.size()));
  state.SetItemsProcessed(state.iterations() * tar.entries);
  state.SetLabel(filesystem_name(base.substr(0, base.rfind('/'))) + ", " +
                 std::to_string(tar.tar.size() >> 20) + " MiB, " + std::to_string(tar.entries) +
                 " entries");
}
BENCHMARK(BM_ApplyLayer)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
