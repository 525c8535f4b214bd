// The snapshotter, as issue 7 measures it (needs root: real mounts):
//   BM_ContainerRootfs/<fs>   a container's root filesystem on a 5-layer image
//                             whose layers are committed: prepare, mount,
//                             unmount, remove. The target: under 10 ms.
//   BM_HundredContainers/<fs> 100 containers from that image: all prepared
//                             and mounted, then released; the counter
//                             disk_per_container is the store's growth.
// <fs> is where the store lives: 0 = tmpfs (a private one), 1 = the disk
// under /var/tmp (ext4 on the CI machine), where fsync costs what it costs.
#include <benchmark/benchmark.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "layerfs/disk_usage.h"
#include "layerfs/mount.h"
#include "layerfs/open_snapshotter.h"

namespace {

namespace fs = std::filesystem;

// A store with a committed 5-layer chain "l0".."l4", each layer 200 files.
struct Store {
  fs::path base;
  bool tmpfs = false;
  std::unique_ptr<layerfs::Snapshotter> snapshots;

  explicit Store(bool on_tmpfs) : tmpfs(on_tmpfs) {
    std::string tmpl = on_tmpfs ? "/tmp/lxcri-bench-XXXXXX" : "/var/tmp/lxcri-bench-XXXXXX";
    base = ::mkdtemp(tmpl.data());
    if (tmpfs) ::mount("tmpfs", base.c_str(), "tmpfs", 0, "size=2g");
    snapshots = std::move(layerfs::open_snapshotter(base, "overlayfs")).value();
    std::string parent;
    for (int l = 0; l < 5; ++l) {
      std::string key = "l" + std::to_string(l);
      auto mounts = snapshots->prepare(key + "-x", parent).value();
      fs::path dir = base / ("m" + key);
      fs::create_directories(dir);
      (void)layerfs::mount_all(mounts, dir);
      for (int f = 0; f < 200; ++f)
        std::ofstream(dir / ("f" + std::to_string(l) + "-" + std::to_string(f))) << "data " << f;
      (void)layerfs::unmount_all(dir);
      (void)snapshots->commit(key, key + "-x");
      parent = key;
    }
  }
  ~Store() {
    snapshots.reset();
    if (tmpfs) ::umount2(base.c_str(), MNT_DETACH);
    fs::remove_all(base);
  }
};

void BM_ContainerRootfs(benchmark::State& state) {
  if (::geteuid() != 0) return state.SkipWithError("needs root (mounts)");
  Store store(state.range(0) == 0);
  fs::path dir = store.base / "rootfs";
  fs::create_directories(dir);
  int n = 0;
  for (auto _ : state) {
    std::string key = "c" + std::to_string(n++);
    auto mounts = store.snapshots->prepare(key, "l4");
    if (!mounts) return state.SkipWithError(mounts.error().to_string().c_str());
    if (auto s = layerfs::mount_all(mounts.value(), dir); !s.is_ok())
      return state.SkipWithError(s.to_string().c_str());
    (void)layerfs::unmount_all(dir);
    (void)store.snapshots->remove(key);
  }
  state.SetLabel(state.range(0) == 0 ? "tmpfs" : "/var/tmp");
}
BENCHMARK(BM_ContainerRootfs)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HundredContainers(benchmark::State& state) {
  if (::geteuid() != 0) return state.SkipWithError("needs root (mounts)");
  Store store(state.range(0) == 0);
  double growth = 0;
  for (auto _ : state) {
    std::uint64_t before = layerfs::disk_usage(store.base).value().bytes;
    std::vector<fs::path> dirs;
    for (int i = 0; i < 100; ++i) {
      std::string key = "c" + std::to_string(i);
      auto mounts = store.snapshots->prepare(key, "l4").value();
      dirs.push_back(store.base / "run" / key);
      fs::create_directories(dirs.back());
      (void)layerfs::mount_all(mounts, dirs.back());
    }
    state.PauseTiming();
    for (const auto& d : dirs)
      (void)layerfs::unmount_all(d);
    growth = static_cast<double>(layerfs::disk_usage(store.base).value().bytes - before) / 100;
    for (int i = 0; i < 100; ++i)
      (void)store.snapshots->remove("c" + std::to_string(i));
    fs::remove_all(store.base / "run");
    state.ResumeTiming();
  }
  state.counters["disk_per_container"] = growth;
  state.SetLabel(state.range(0) == 0 ? "tmpfs" : "/var/tmp");
}
BENCHMARK(BM_HundredContainers)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
