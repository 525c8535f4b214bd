#include "oci/unpack/unpack_image.h"

#include <string>
#include <thread>
#include <vector>

namespace oci::unpack {
namespace {

// Passes a layer's chunks through, reporting the bytes applied so far.
class CountingSource final : public archive::ByteSource {
 public:
  CountingSource(archive::ByteSource& inner, const Progress& progress, std::string step)
      : inner_(inner), progress_(progress), step_(std::move(step)) {}

  core::Result<std::string_view> next() override {
    auto chunk = inner_.next();
    if (chunk.is_ok()) {
      done_ += chunk.value().size();
      progress_(done_, 0, step_);
    }
    return chunk;
  }

 private:
  archive::ByteSource& inner_;
  const Progress& progress_;
  std::string step_;
  std::uint64_t done_ = 0;
};

}  // namespace

core::Result<UnpackStats> unpack_image(const store::Store& store,
                                       const layers::ResolvedImage& image,
                                       const std::filesystem::path& dir,
                                       const ImageUnpackOptions& options) {
  std::vector<archive::LayerSpec> specs;
  specs.reserve(image.layers.size());
  for (const auto& layer : image.layers)
    specs.push_back({layer.blob, layer.diff_id});
  // The writer first: a `dir` that may not be used fails before any thread starts.
  auto writer = RootfsWriter::begin(dir, options.unpack);
  if (!writer.is_ok()) return writer.error();
  // By default the layers are decompressed ahead on every core but one: the
  // applier keeps a core busy itself (measured: on 2 cores, two decompressors
  // beside it were 15 % slower than one, bench/oci/unpack_vs_peers.sh).
  archive::LayerSourceOptions sources_options = options.sources;
  if (sources_options.parallelism == 0) {
    unsigned cores = std::thread::hardware_concurrency();  // 0 when unknown
    sources_options.parallelism = cores > 1 ? cores - 1 : 1;
  }
  auto sources = archive::LayerSources::open(store, std::move(specs), sources_options);
  if (!sources.is_ok()) return sources.error();
  const std::size_t count = image.layers.size();
  for (std::size_t i = 0; i < count; ++i) {
    archive::ByteSource& layer = sources.value().layer(i);
    const std::string& name = image.layers[i].blob.digest.str();
    core::Status applied;
    if (options.progress) {
      CountingSource counted(layer, options.progress,
                             "layer " + std::to_string(i + 1) + "/" + std::to_string(count));
      applied = writer.value().apply_layer(counted, name);
    } else {
      applied = writer.value().apply_layer(layer, name);
    }
    if (!applied.is_ok()) return applied.error();
  }
  if (core::Status s = writer.value().commit(); !s.is_ok()) return s.error();
  return writer.value().stats();
}

}  // namespace oci::unpack
