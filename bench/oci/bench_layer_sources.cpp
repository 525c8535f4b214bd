// Benchmarks for oci/archive: layer streams.
//
// BM_LayerSourcesParallel/parallelism:N: an image of 5 gzip layers of ~20 MB
//   decompressed each in a temp content store, every layer read to its end in
//   order through LayerSources (decompressed, both digests verified) and
//   discarded. Bytes/s are decompressed bytes. N = 1 is the plain pipeline
//   (one thread ahead of the reader); N = 0 means hardware threads.
// BM_VerifiedLayersInline: the same layers read with VerifiedLayer on the
//   calling thread alone, the no-threads baseline the pipeline must beat.
// BM_Inflate_isal / BM_Inflate_zlib: one of those gzip layers decompressed
//   from memory by ISA-L (Decompressor) and by zlib's inflate, 1 MiB output
//   buffers both; no hashing.
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <zlib.h>

#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "oci/archive/decompressor.h"
#include "oci/archive/layer_sources.h"
#include "oci/media_types.h"
#include "oci/store/store.h"

namespace oci::archive {
namespace {

constexpr std::size_t kLayers = 5;
constexpr std::size_t kLayerBytes = 20 << 20;

// Tar-like content: words from a small vocabulary (file names, text) with
// runs of random bytes (binaries), about 3-4x compressible by gzip -6.
std::string make_layer(unsigned seed) {
  static const char* const kWords[] = {"usr/",   "lib/",    "bin/",   "share/", "python3", ".so",
                                       "config", "0000644", "root",   "the",    "and",     "of",
                                       "import", "return",  "static", "int"};
  std::mt19937_64 rng(seed);
  std::string out;
  out.reserve(kLayerBytes + 256);
  while (out.size() < kLayerBytes) {
    if (rng() % 12 == 0) {
      for (int i = 0; i < 16; ++i) {
        std::uint64_t r = rng();
        out.append(reinterpret_cast<const char*>(&r), sizeof r);
      }
    } else {
      out += kWords[rng() % std::size(kWords)];
      out.push_back(rng() % 6 == 0 ? '\n' : ' ');
    }
  }
  out.resize(kLayerBytes);
  return out;
}

// gzip (level 6, as `gzip` and most image builders) through zlib.
std::string gzip_compress(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The image, made once per process and removed at exit.
struct Image {
  Image() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lx_bench_XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
    dir = pattern;
    store.emplace(store::Store::open(dir / "store").value());
    auto lease = store->lease().value();
    for (unsigned i = 0; i < kLayers; ++i) {
      std::string raw = make_layer(i + 1);
      std::string packed = gzip_compress(raw);
      Descriptor blob;
      blob.media_type = std::string(media_type::kOciLayerTarGzip);
      blob.digest = lease.put_blob(packed).value();
      blob.size = static_cast<std::int64_t>(packed.size());
      specs.push_back(LayerSpec{blob, Digest::sha256_of(raw)});
      if (i == 0) first_gzip = std::move(packed);
    }
  }
  ~Image() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  std::optional<store::Store> store;
  std::vector<LayerSpec> specs;
  std::string first_gzip;
};

Image& image() {
  static Image instance;
  return instance;
}

void BM_LayerSourcesParallel(benchmark::State& state) {
  Image& img = image();
  LayerSourceOptions options;
  options.parallelism = static_cast<unsigned>(state.range(0));
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto sources = LayerSources::open(*img.store, img.specs, options);
    if (!sources) {
      state.SkipWithError(sources.error().to_string().c_str());
      return;
    }
    for (std::size_t i = 0; i < sources.value().size(); ++i) {
      for (;;) {
        auto chunk = sources.value().layer(i).next();
        if (!chunk) {
          state.SkipWithError(chunk.error().to_string().c_str());
          return;
        }
        if (chunk.value().empty()) break;
        bytes += static_cast<std::int64_t>(chunk.value().size());
      }
    }
    state.counters["threads"] = sources.value().threads();
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_LayerSourcesParallel)
    ->ArgName("parallelism")
    ->Arg(1)
    ->Arg(2)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_VerifiedLayersInline(benchmark::State& state) {
  Image& img = image();
  std::vector<char> buffer(4 << 20);
  std::int64_t bytes = 0;
  for (auto _ : state) {
    for (const LayerSpec& spec : img.specs) {
      auto layer = VerifiedLayer::open(*img.store, spec);
      if (!layer) {
        state.SkipWithError(layer.error().to_string().c_str());
        return;
      }
      for (;;) {
        auto n = layer.value()->read(buffer);
        if (!n) {
          state.SkipWithError(n.error().to_string().c_str());
          return;
        }
        if (n.value() == 0) break;
        bytes += static_cast<std::int64_t>(n.value());
      }
    }
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_VerifiedLayersInline)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Inflate_isal(benchmark::State& state) {
  const std::string& packed = image().first_gzip;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto d = Decompressor::create(Compression::kGzip).value();
    core::Status s = d->write(packed, [&](std::string_view chunk) {
      bytes += static_cast<std::int64_t>(chunk.size());
      return core::Status::ok();
    });
    if (!s || !d->finish()) {
      state.SkipWithError("isal inflate failed");
      return;
    }
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Inflate_isal)->Unit(benchmark::kMillisecond);

void BM_Inflate_zlib(benchmark::State& state) {
  const std::string& packed = image().first_gzip;
  std::vector<unsigned char> out(1 << 20);
  std::int64_t bytes = 0;
  for (auto _ : state) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
      state.SkipWithError("inflateInit2");
      return;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    z.avail_in = static_cast<uInt>(packed.size());
    int ret = Z_OK;
    while (ret == Z_OK) {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      ret = inflate(&z, Z_NO_FLUSH);
      bytes += static_cast<std::int64_t>(out.size() - z.avail_out);
    }
    inflateEnd(&z);
    if (ret != Z_STREAM_END) {
      state.SkipWithError("zlib inflate failed");
      return;
    }
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Inflate_zlib)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace oci::archive
