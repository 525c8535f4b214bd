// oci/archive/layer_sources.cpp: see layer_sources.h.
//
// One mutex guards everything shared: chunks are megabytes, so the lock is
// taken a few hundred times per second at most and never contended for
// long. Producers wait on space_cv (budget), the reader on data_cv.
#include "oci/archive/layer_sources.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace oci::archive {

namespace {

// Chunk size: big, to keep per-chunk costs (locking, hashing calls, the
// reader's callbacks) negligible, but a fraction of the budget so that a
// small budget still lets several chunks flow ahead.
constexpr std::size_t kMinChunkBytes = 64 << 10;
constexpr std::size_t kMaxChunkBytes = 4 << 20;
constexpr unsigned kMaxDefaultThreads = 8;

}  // namespace

struct LayerSources::Shared {
  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };

  // The consumer's end of one layer. It hashes the chunks it hands out
  // against the DiffID itself, on the consumer's thread: the producer's
  // thread (read, hash the blob, inflate) is the slower of the two, so this
  // moves work to where there is room.
  class Reader final : public ByteSource {
   public:
    Reader(Shared& shared, std::size_t index) : shared_(shared), index_(index) {}
    core::Result<std::string_view> next() override {
      if (ended_) {
        if (!verdict_.is_ok()) return verdict_.error();
        return std::string_view();
      }
      const LayerSpec& spec = shared_.layers[index_]->spec;
      if (!started_) {
        started_ = true;
        // An unsupported algorithm is the producer's error (VerifiedLayer::open).
        if (!spec.diff_id.empty()) {
          if (auto h = Hasher::create(spec.diff_id.algorithm_id()))
            diff_hasher_.emplace(std::move(h).value());
        }
      }
      auto chunk = shared_.next(index_);
      if (!chunk || !chunk.value().empty()) {
        if (chunk && diff_hasher_) diff_hasher_->update(chunk.value());
        return chunk;
      }
      ended_ = true;
      if (diff_hasher_) {
        Digest computed = diff_hasher_->finish();
        if (computed != spec.diff_id) {
          verdict_ = layer_mismatch(spec.blob, "diff_id", spec.diff_id, computed);
          return verdict_.error();
        }
      }
      return chunk;
    }

   private:
    Shared& shared_;
    std::size_t index_;
    bool started_ = false;
    bool ended_ = false;
    std::optional<Hasher> diff_hasher_;
    core::Status verdict_;
  };

  struct Layer {
    Layer(Shared& shared, std::size_t index, LayerSpec s)
        : spec(std::move(s)), reader(shared, index) {}
    LayerSpec spec;
    std::deque<Chunk> queue;
    bool ended = false;  // the producer is done (error says how)
    core::Status error;
    Chunk held;  // the chunk the reader's last view points into
    Reader reader;
  };

  Shared(store::Store s, std::size_t budget_bytes)
      : store(std::move(s)),
        budget(budget_bytes),
        chunk_bytes(std::clamp(budget_bytes / 8, kMinChunkBytes, kMaxChunkBytes)) {}

  ~Shared() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    space_cv.notify_all();
    data_cv.notify_all();
    for (std::thread& t : threads)
      t.join();
  }

  void run() {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stop || next_claim == layers.size()) return;
        i = next_claim++;
      }
      try {
        produce(i);
      } catch (const std::exception& e) {
        end_layer(i, core::Error(core::ErrorCode::kInternal,
                                 "layer " + layers[i]->spec.blob.digest.str() + ": " + e.what()));
      } catch (...) {
        end_layer(i, core::Error(core::ErrorCode::kInternal, "layer thread failed"));
      }
    }
  }

  void produce(std::size_t i) {
    Layer& layer = *layers[i];
    auto source = VerifiedLayer::open(store, layer.spec, DiffIdCheck::kByCaller);
    if (!source) return end_layer(i, source.status());
    for (;;) {
      Chunk chunk = take_chunk();
      auto n = source.value()->read(std::span<char>(chunk.data.get(), chunk_bytes));
      if (!n || n.value() == 0) {
        std::lock_guard<std::mutex> lock(mu);
        recycle(std::move(chunk));
        return end_layer_locked(layer, n.status());
      }
      chunk.size = n.value();
      std::unique_lock<std::mutex> lock(mu);
      space_cv.wait(lock, [&] {
        return stop || buffered + chunk.size <= budget || (i == reading && layer.queue.empty());
      });
      if (stop) return;
      buffered += chunk.size;
      layer.queue.push_back(std::move(chunk));
      if (i == reading) data_cv.notify_all();
    }
  }

  void end_layer(std::size_t i, core::Status status) {
    std::lock_guard<std::mutex> lock(mu);
    end_layer_locked(*layers[i], std::move(status));
  }
  void end_layer_locked(Layer& layer, core::Status status) {
    layer.ended = true;
    layer.error = std::move(status);
    data_cv.notify_all();
  }

  Chunk take_chunk() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!free_chunks.empty()) {
        Chunk chunk = std::move(free_chunks.back());
        free_chunks.pop_back();
        return chunk;
      }
    }
    return Chunk{std::make_unique_for_overwrite<char[]>(chunk_bytes), 0};
  }
  // Under mu. Keeps enough chunks for the threads and the reader to cycle
  // without allocating; the rest (a drained budget's worth) is freed.
  void recycle(Chunk chunk) {
    if (chunk.data && free_chunks.size() < max_free_chunks) {
      free_chunks.push_back(std::move(chunk));
    }
  }

  core::Result<std::string_view> next(std::size_t i) {
    std::unique_lock<std::mutex> lock(mu);
    Layer& layer = *layers[i];
    if (i < reading) return std::string_view();  // read to its end already
    if (i > reading) {
      return core::Error(core::ErrorCode::kFailedPrecondition,
                         "layer " + std::to_string(i) + " read before layer " +
                             std::to_string(reading) + " was read to its end");
    }
    recycle(std::move(layer.held));
    layer.held = Chunk{};
    data_cv.wait(lock, [&] { return stop || !layer.queue.empty() || layer.ended; });
    if (!layer.queue.empty()) {
      layer.held = std::move(layer.queue.front());
      layer.queue.pop_front();
      buffered -= layer.held.size;
      space_cv.notify_all();
      return std::string_view(layer.held.data.get(), layer.held.size);
    }
    if (stop) return core::Error(core::ErrorCode::kCancelled, "layer sources are closing");
    if (!layer.error.is_ok()) return layer.error.error();
    reading = i + 1;
    space_cv.notify_all();  // the next layer may now always queue a chunk
    return std::string_view();
  }

  store::Store store;
  const std::size_t budget;
  const std::size_t chunk_bytes;
  std::vector<std::unique_ptr<Layer>> layers;  // fixed before the threads start
  std::size_t max_free_chunks = 0;             // fixed before the threads start
  std::vector<std::thread> threads;            // touched by open() and ~Shared only

  std::mutex mu;
  std::condition_variable space_cv;  // producers: budget freed, reader moved on, stop
  std::condition_variable data_cv;   // reader: a chunk queued or a layer ended
  std::size_t next_claim = 0;        // the next layer a thread takes
  std::size_t reading = 0;           // the layer the reader is on
  std::size_t buffered = 0;          // bytes in all queues
  std::vector<Chunk> free_chunks;
  bool stop = false;
};

core::Result<LayerSources> LayerSources::open(const store::Store& store,
                                              std::vector<LayerSpec> layers,
                                              LayerSourceOptions options) {
  if (options.buffer_bytes == 0) {
    return core::Error(core::ErrorCode::kInvalidArgument, "buffer_bytes must be positive")
        .with_field("buffer_bytes");
  }
  auto shared = std::make_unique<Shared>(store, options.buffer_bytes);
  // By default one thread per core, at most kMaxDefaultThreads: a thread
  // waiting for budget still holds its decoder (a zstd window can be
  // 128 MiB), its input buffer and a chunk, and threads past the number of
  // chunks the budget holds cannot get ahead anyway.
  unsigned threads = options.parallelism;
  if (threads == 0) {
    threads = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxDefaultThreads);
  }
  const std::size_t chunks_in_budget =
      std::max<std::size_t>(1, options.buffer_bytes / shared->chunk_bytes);
  threads =
      static_cast<unsigned>(std::min({std::size_t{threads}, layers.size(), chunks_in_budget}));

  shared->layers.reserve(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    shared->layers.push_back(std::make_unique<Shared::Layer>(*shared, i, std::move(layers[i])));
  }
  // One chunk per thread being filled, one held by the reader, one spare.
  shared->max_free_chunks = threads + 2;
  // recycle() runs inside libarchive's read callback: it must not allocate.
  shared->free_chunks.reserve(shared->max_free_chunks);
  // A thread that cannot start leaves those already running to ~Shared.
  shared->threads.reserve(threads);
  try {
    for (unsigned t = 0; t < threads; ++t) {
      shared->threads.emplace_back([s = shared.get()] { s->run(); });
    }
  } catch (const std::exception& e) {  // system_error, or bad_alloc
    return core::Error(core::ErrorCode::kInternal,
                       std::string("cannot start a layer thread: ") + e.what());
  }
  return LayerSources(std::move(shared));
}

LayerSources::LayerSources(std::unique_ptr<Shared> shared) : shared_(std::move(shared)) {}
LayerSources::LayerSources(LayerSources&&) noexcept = default;
LayerSources& LayerSources::operator=(LayerSources&&) noexcept = default;
LayerSources::~LayerSources() = default;

std::size_t LayerSources::size() const {
  return shared_ ? shared_->layers.size() : 0;  // 0 once moved from
}

ByteSource& LayerSources::layer(std::size_t i) {
  return shared_->layers[i]->reader;
}

unsigned LayerSources::threads() const {
  return shared_ ? static_cast<unsigned>(shared_->threads.size()) : 0;
}

}  // namespace oci::archive
