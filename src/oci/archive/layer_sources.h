// oci/archive/layer_sources.h: the layers of one image opened for reading in
// order, with the layers after the one being read decompressed and verified
// ahead in background threads ("parallel layer operations").
//
// Layers must be applied strictly in order, but decompressing and hashing a
// layer needs nothing from the one before, so while the applier consumes
// layer i, up to `parallelism` threads run VerifiedLayer::read on layers
// i, i+1, ... into per-layer chunk queues. Contract:
//  * layer(0) is read to its end (next() returned the empty view) before
//    layer(1) is read, and so on; next() on another layer is
//    kFailedPrecondition.
//  * Decompressed bytes buffered ahead are bounded by buffer_bytes over all
//    layers together. The layer being read may always queue one chunk when
//    its queue is empty, so a full budget never deadlocks: the reader drains
//    its layer, and the other layers wait their turn. Memory in use is thus
//    at most buffer_bytes + one chunk for that, one per thread being filled
//    and the one the reader holds (chunks are buffer_bytes / 8, clamped to
//    64 KiB .. 4 MiB), plus each thread's decoder state (a zstd window is up
//    to 128 MiB) and 1 MiB input buffer: hence the thread cap below.
//  * parallelism 1 is a plain pipeline: one producer thread ahead of the
//    reader, so reading and decompressing still overlap. Threads claim layers
//    in order, so the layer being read is always claimed by some thread.
//  * Every error (missing blob, unsupported media type, corrupt data, a
//    size/digest/diff_id mismatch, see verified_layer.h) surfaces from
//    layer(i).next() of the layer it belongs to, after that layer's good
//    chunks; it ends that layer (every later call returns it again).
//  * Destroying LayerSources (e.g. because the applier failed) stops every
//    thread at its next chunk boundary and joins them.
// Chunks are recycled through a free list: the producer decompresses
// straight into a chunk (no copy) and the reader's view points into it.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "oci/archive/byte_source.h"
#include "oci/archive/verified_layer.h"
#include "oci/store/store.h"

namespace oci::archive {

struct LayerSourceOptions {
  // Decompress-ahead threads; 0 = one per core, at most 8. Never more than
  // there are layers, nor than the chunks buffer_bytes holds.
  unsigned parallelism = 0;
  std::size_t buffer_bytes = 256u << 20;  // decompressed bytes buffered ahead, all layers
};

class LayerSources {
 public:
  // Starts the threads (never more than there are layers). kInvalidArgument
  // for buffer_bytes 0; nothing else fails here: layer errors belong to
  // their layer.
  static core::Result<LayerSources> open(const store::Store& store, std::vector<LayerSpec> layers,
                                         LayerSourceOptions options = {});

  LayerSources(LayerSources&&) noexcept;
  LayerSources& operator=(LayerSources&&) noexcept;
  ~LayerSources();

  std::size_t size() const;
  // Precondition: i < size() (size() is 0 once moved from). The reference
  // lives as long as this object.
  ByteSource& layer(std::size_t i);
  // Threads actually started.
  unsigned threads() const;

 private:
  struct Shared;  // the queues and threads (layer_sources.cpp)
  explicit LayerSources(std::unique_ptr<Shared> shared);
  std::unique_ptr<Shared> shared_;
};

}  // namespace oci::archive
