// The snapshotter, as issue 7 measures it (needs root: real mounts):
//   BM_ContainerRootfs/<where>    a container's root filesystem on a 5-layer
//                                 image whose layers are committed: prepare,
//                                 mount, unmount, remove. Target: < 10 ms.
//   BM_HundredContainers/<where>  100 containers from that image, prepared
//                                 and mounted; disk_per_container is what the
//                                 filesystem's used space grew by, per one.
//   BM_FromScratch/<where>        the same rootfs from an image in the content
//                                 store with nothing committed yet: its 5
//                                 layers (1000 files) applied and committed
//                                 (layerfs/image_layers.h), then the
//                                 container's snapshot prepared and mounted.
//   BM_PlainUnpack/<where>        what a container costs without snapshots:
//                                 the image unpacked into a new directory
//                                 (oci/unpack, `lxcri image unpack`).
// <where>: 0 = overlayfs on a private tmpfs, 1 = overlayfs on the disk under
// /var/tmp (ext4 on the CI machine, where fsync costs what it costs),
// 2 = btrfs on a loop file in a private tmpfs (mkfs.btrfs), 3 = copy on a
// private tmpfs.
#include <benchmark/benchmark.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layerfs/image_layers.h"
#include "layerfs/mount.h"
#include "layerfs/open_snapshotter.h"
#include "oci/layers/image_resolver.h"
#include "oci/media_types.h"
#include "oci/store/ref.h"
#include "oci/unpack/unpack_image.h"

namespace {

namespace fs = std::filesystem;

const char* const kWhere[] = {"overlayfs, tmpfs", "overlayfs, /var/tmp", "btrfs, loop file",
                              "copy, tmpfs"};
const char* const kDriver[] = {"overlayfs", "overlayfs", "btrfs", "copy"};

// Bytes in use on the filesystem of `dir`, as df says: what a store grew by,
// its metadata included.
std::uint64_t used_bytes(const fs::path& dir) {
  struct statvfs s {};
  ::statvfs(dir.c_str(), &s);
  return static_cast<std::uint64_t>(s.f_blocks - s.f_bfree) * s.f_frsize;
}

// A store with a committed 5-layer chain "l0".."l4", 200 small files a layer.
struct Store {
  fs::path base;
  fs::path root;  // the snapshot store: base, or the btrfs mounted in it
  int where = 0;
  std::unique_ptr<layerfs::Snapshotter> snapshots;

  explicit Store(int where_) : where(where_) {
    std::string tmpl = where == 1 ? "/var/tmp/lxcri-bench-XXXXXX" : "/tmp/lxcri-bench-XXXXXX";
    base = ::mkdtemp(tmpl.data());
    root = base;
    if (where != 1) ::mount("tmpfs", base.c_str(), "tmpfs", 0, "size=3g");
    if (where == 2) {
      root = base / "btrfs";
      fs::create_directories(root);
      const std::string image = (base / "btrfs.img").string();
      const std::string make = "truncate -s 2G " + image + " && mkfs.btrfs -q " + image +
                               " && mount -o loop " + image + " " + root.string();
      if (std::system(make.c_str()) != 0) return;
    }
    auto opened = layerfs::open_snapshotter_at(root / "snapshots", kDriver[where]);
    if (!opened) return;
    snapshots = std::move(opened).value();
    std::string parent;
    for (int l = 0; l < 5; ++l) {
      std::string key = "l" + std::to_string(l);
      auto mounts = snapshots->prepare(key + "-x", parent).value();
      fs::path dir = base / ("m" + key);
      fs::create_directories(dir);
      (void)layerfs::mount_all(mounts, dir);
      for (int f = 0; f < 200; ++f)
        std::ofstream(dir / ("f" + std::to_string(l) + "-" + std::to_string(f))) << "data " << f;
      (void)layerfs::unmount(dir);
      (void)snapshots->commit(key, key + "-x");
      parent = key;
    }
  }
  ~Store() {
    snapshots.reset();
    if (where == 2) ::umount2(root.c_str(), 0);
    if (where != 1) ::umount2(base.c_str(), MNT_DETACH);
    fs::remove_all(base);
  }
};

void BM_ContainerRootfs(benchmark::State& state) {
  if (::geteuid() != 0) return state.SkipWithError("needs root (mounts)");
  Store store(static_cast<int>(state.range(0)));
  if (!store.snapshots) return state.SkipWithError("cannot make the store");
  fs::path dir = store.base / "rootfs";
  fs::create_directories(dir);
  int n = 0;
  for (auto _ : state) {
    std::string key = "c" + std::to_string(n++);
    auto mounts = store.snapshots->prepare(key, "l4");
    if (!mounts) return state.SkipWithError(mounts.error().to_string().c_str());
    if (auto s = layerfs::mount_all(mounts.value(), dir); !s.is_ok()) {
      return state.SkipWithError(s.to_string().c_str());
    }
    (void)layerfs::unmount(dir);
    (void)store.snapshots->remove(key);
  }
  state.SetLabel(kWhere[state.range(0)]);
}
BENCHMARK(BM_ContainerRootfs)->DenseRange(0, 3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HundredContainers(benchmark::State& state) {
  if (::geteuid() != 0) return state.SkipWithError("needs root (mounts)");
  Store store(static_cast<int>(state.range(0)));
  if (!store.snapshots) return state.SkipWithError("cannot make the store");
  double growth = 0;
  for (auto _ : state) {
    const std::uint64_t before = used_bytes(store.root);
    std::vector<fs::path> dirs;
    for (int i = 0; i < 100; ++i) {
      std::string key = "c" + std::to_string(i);
      auto mounts = store.snapshots->prepare(key, "l4").value();
      dirs.push_back(store.base / "run" / key);
      fs::create_directories(dirs.back());
      (void)layerfs::mount_all(mounts, dirs.back());
    }
    state.PauseTiming();
    ::sync();
    growth = (static_cast<double>(used_bytes(store.root)) - static_cast<double>(before)) / 100;
    for (const auto& d : dirs)
      (void)layerfs::unmount(d);
    for (int i = 0; i < 100; ++i)
      (void)store.snapshots->remove("c" + std::to_string(i));
    fs::remove_all(store.base / "run");
    state.ResumeTiming();
  }
  state.counters["disk_per_container"] = growth;
  state.SetLabel(kWhere[state.range(0)]);
}
BENCHMARK(BM_HundredContainers)
    ->DenseRange(0, 3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

// A layer blob: a tar (made by tar(1) from a directory under `scratch`) of
// 200 small files named f<layer>-<n>, as in Store above.
std::string layer_tar(const fs::path& scratch, int layer) {
  const fs::path dir = scratch / ("layer" + std::to_string(layer));
  fs::create_directories(dir);
  for (int f = 0; f < 200; ++f)
    std::ofstream(dir / ("f" + std::to_string(layer) + "-" + std::to_string(f))) << "data " << f;
  std::string out;
  FILE* tar = ::popen(("tar -C " + dir.string() + " -cf - .").c_str(), "r");
  if (tar == nullptr) return "";
  char buffer[65536];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, tar)) > 0;)
    out.append(buffer, n);
  const int status = ::pclose(tar);
  fs::remove_all(dir);
  return status == 0 ? out : "";  // "" makes the image, and the benchmark, fail
}

// An image store under `dir` holding bench:5, the 5 layers of Store above as
// an OCI image (uncompressed layers).
struct ImageStore {
  std::optional<oci::store::Store> store;
  std::optional<oci::layers::ResolvedImage> image;

  explicit ImageStore(const fs::path& dir) {
    auto opened = oci::store::Store::open(dir);
    if (!opened) return;
    store.emplace(std::move(opened).value());
    auto lease = store->lease().value();
    nlohmann::json diff_ids = nlohmann::json::array(), layers = nlohmann::json::array();
    for (int l = 0; l < 5; ++l) {
      const std::string tar = layer_tar(dir.parent_path(), l);
      if (tar.empty()) return;
      const oci::Digest digest = lease.put_blob(tar).value();
      diff_ids.push_back(digest.str());
      layers.push_back({{"mediaType", oci::media_type::kOciLayerTar},
                        {"digest", digest.str()},
                        {"size", tar.size()}});
    }
    const std::string config =
        nlohmann::json{{"architecture", oci::host_platform().architecture},
                       {"os", "linux"},
                       {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}}
            .dump();
    const oci::Digest config_digest = lease.put_blob(config).value();
    const std::string manifest = nlohmann::json{
        {"schemaVersion", 2},
        {"mediaType", oci::media_type::kOciManifest},
        {"config",
         {{"mediaType", oci::media_type::kOciConfig},
          {"digest", config_digest.str()},
          {"size", config.size()}}},
        {"layers", layers}}.dump();
    oci::Descriptor root;
    root.media_type = std::string(oci::media_type::kOciManifest);
    root.digest = lease.put_blob(manifest).value();
    root.size = static_cast<std::int64_t>(manifest.size());
    if (!lease.set_ref(oci::store::parse_ref("bench:5").value(), root)) return;
    auto resolved = oci::layers::resolve_image(*store, root, oci::host_platform(), nullptr);
    if (resolved) image.emplace(std::move(resolved).value());
  }
};

void BM_FromScratch(benchmark::State& state) {
  if (::geteuid() != 0) return state.SkipWithError("needs root (mounts)");
  Store store(static_cast<int>(state.range(0)));
  if (!store.snapshots) return state.SkipWithError("cannot make the store");
  ImageStore images(store.base / "images");
  if (!images.image) return state.SkipWithError("cannot make the image");
  fs::path dir = store.base / "rootfs";
  fs::create_directories(dir);
  int n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path root = store.root / ("scratch-" + std::to_string(n++));
    auto snapshots = layerfs::open_snapshotter_at(root, kDriver[state.range(0)]);
    if (!snapshots) return state.SkipWithError(snapshots.error().to_string().c_str());
    auto lease = images.store->lease().value();
    state.ResumeTiming();
    auto layers = layerfs::commit_image_layers(*snapshots.value(), *images.store, *images.image);
    if (!layers) return state.SkipWithError(layers.error().to_string().c_str());
    auto mounts = snapshots.value()->prepare("c", layers.value().top);
    if (!mounts) return state.SkipWithError(mounts.error().to_string().c_str());
    if (auto s = layerfs::mount_all(mounts.value(), dir); !s.is_ok()) {
      return state.SkipWithError(s.to_string().c_str());
    }
    state.PauseTiming();
    (void)layerfs::unmount(dir);
    (void)snapshots.value()->remove_chain("c");
    snapshots.value().reset();
    fs::remove_all(root);
    state.ResumeTiming();
  }
  state.SetLabel(kWhere[state.range(0)]);
}
BENCHMARK(BM_FromScratch)->DenseRange(0, 3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PlainUnpack(benchmark::State& state) {
  Store store(static_cast<int>(state.range(0)));
  if (!store.snapshots) return state.SkipWithError("cannot make the store");
  ImageStore images(store.base / "images");
  if (!images.image) return state.SkipWithError("cannot make the image");
  int n = 0;
  for (auto _ : state) {
    const fs::path dir = store.root / ("unpacked-" + std::to_string(n++));
    auto unpacked = oci::unpack::unpack_image(*images.store, *images.image, dir);
    if (!unpacked) return state.SkipWithError(unpacked.error().to_string().c_str());
    state.PauseTiming();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
  const char* const kFilesystem[] = {"tmpfs", "/var/tmp", "btrfs, loop file"};
  state.SetLabel(kFilesystem[state.range(0)]);
}
BENCHMARK(BM_PlainUnpack)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
