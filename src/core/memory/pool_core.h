// core/memory/pool_core.h: the storage behind ObjectPool<T> (internal).
//
// Idle objects live in per-thread caches ("magazines", indexed by thread slot,
// each written only by its thread) in front of one mutex-protected shared
// list. A thread fills or empties half of its magazine at a time from or into
// the shared list, so the lock is taken once per thread_cache/2 calls at most.
//
// The peak of idle objects is kept without a shared counter, which two
// threads would fight over on every call: each thread remembers the most it
// saw idle (its cache plus the shared list), and stats() takes the largest of
// those and of the current total. That is exact for a pool used by one thread
// and a lower bound of the true peak when several fill their caches at once.
//
// Handles point here, not at ObjectPool, so that a handle outliving its pool
// is safe: the pool's destructor then leaves this core behind, marked dead,
// and the last such handle deletes it.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/memory/pool_config.h"
#include "core/thread/thread_slot.h"

namespace core::detail {

template <class T>
class PoolCore {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;
  using Reset = std::function<void(T&)>;

  PoolCore(PoolConfig config, Factory factory, Reset reset)
      : config_(clamp_thread_cache(config)),
        factory_(std::move(factory)),
        reset_(std::move(reset)) {
    shared_.reserve(config_.max_pooled);
    for (size_t i = 0; i < config_.initial_capacity; ++i)
      shared_.push_back(create());
    publish_shared_size();
  }

  ~PoolCore() {
    for (T* obj : shared_)
      delete obj;
    for (auto& slot : magazines_) {
      Magazine* m = slot.load(std::memory_order_relaxed);
      if (m == nullptr) continue;
      for (uint32_t i = 0; i < m->count.load(std::memory_order_relaxed); ++i)
        delete m->items[i];
      delete m;
    }
  }

  T* acquire() {
    const uint32_t slot = this_thread_slot();
    if (slot == kNoThreadSlot || config_.thread_cache == 0) return acquire_shared();
    Magazine& m = magazine(slot);
    uint32_t n = m.count.load(std::memory_order_relaxed);
    if (n == 0) n = refill(m);
    T* obj;
    if (n > 0) {
      obj = m.items[--n];
      m.count.store(n, std::memory_order_relaxed);
      if (config_.track_stats) bump(m.reused);
    } else {
      obj = create();
    }
    if (config_.track_stats) bump(m.acquired);
    bump(m.outstanding, int64_t{1});
    return obj;
  }

  // Takes an object back from a handle. Never throws: a reset hook that throws
  // gets its object destroyed instead of pooled.
  void give_back(T* obj) noexcept {
    if (dead_.load(std::memory_order_acquire)) {
      delete obj;
      if (orphans_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
      return;
    }
    if (reset_) {
      try {
        reset_(*obj);
      } catch (...) {
        delete obj;
        obj = nullptr;
      }
    }
    const uint32_t slot = this_thread_slot();
    if (slot == kNoThreadSlot || config_.thread_cache == 0) {
      give_back_shared(obj);
      return;
    }
    Magazine& m = magazine(slot);
    bump(m.outstanding, int64_t{-1});
    if (obj == nullptr) return;
    uint32_t n = m.count.load(std::memory_order_relaxed);
    if (n == config_.thread_cache) n = spill(m);
    m.items[n] = obj;
    m.count.store(n + 1, std::memory_order_relaxed);
    if (config_.track_stats) {
      const uint64_t seen = n + 1 + shared_size_.load(std::memory_order_relaxed);
      if (seen > m.peak_seen.load(std::memory_order_relaxed)) {
        m.peak_seen.store(seen, std::memory_order_relaxed);
      }
    }
  }

  // Destroys the idle objects: the shared list and the caller's cache now,
  // other threads' caches on their next call (they are only theirs to touch).
  void clear() {
    std::vector<T*> doomed;
    {
      std::lock_guard lock(mu_);
      doomed.swap(shared_);
      shared_.reserve(config_.max_pooled);
      publish_shared_size();
      epoch_.fetch_add(1, std::memory_order_relaxed);
    }
    destroy_idle(doomed.data(), doomed.size());
    const uint32_t slot = this_thread_slot();
    if (slot != kNoThreadSlot && config_.thread_cache != 0) magazine(slot);  // drains it
  }

  PoolStats stats() const {
    PoolStats s;
    std::lock_guard lock(mu_);
    s.total_acquired = shared_acquired_;
    s.reused = shared_reused_;
    s.created = created_.load(std::memory_order_relaxed);
    s.current_pool_size = shared_.size();
    for (const auto& slot : magazines_) {
      const Magazine* m = slot.load(std::memory_order_acquire);
      if (m == nullptr) continue;
      s.total_acquired += m->acquired.load(std::memory_order_relaxed);
      s.reused += m->reused.load(std::memory_order_relaxed);
      s.current_pool_size += m->count.load(std::memory_order_relaxed);
    }
    if (config_.track_stats) {
      size_t peak = std::max(shared_peak_, s.current_pool_size);
      for (const auto& slot : magazines_) {
        if (const Magazine* m = slot.load(std::memory_order_acquire)) {
          peak = std::max(peak, static_cast<size_t>(m->peak_seen.load(std::memory_order_relaxed)));
        }
      }
      s.peak_pool_size = peak;
    } else {
      s.total_acquired = s.reused = s.created = 0;
    }
    return s;
  }

  // Called by ~ObjectPool. Deletes this core unless handles are still out; then
  // they delete their objects and the last one deletes the core.
  void retire() {
    int64_t out = shared_outstanding_;
    for (const auto& slot : magazines_) {
      if (const Magazine* m = slot.load(std::memory_order_acquire)) {
        out += m->outstanding.load(std::memory_order_relaxed);
      }
    }
    if (out <= 0) {
      delete this;
      return;
    }
    orphans_.store(out, std::memory_order_relaxed);
    // Free the idle objects now; only the core itself must stay for the handles.
    clear_everything_idle();
    dead_.store(true, std::memory_order_release);
  }

  const PoolConfig& config() const { return config_; }

 private:
  struct alignas(64) Magazine {
    uint64_t epoch = 0;
    std::atomic<uint32_t> count{0};
    std::atomic<uint64_t> acquired{0};
    std::atomic<uint64_t> reused{0};
    std::atomic<int64_t> outstanding{0};  // acquired minus released on this thread
    std::atomic<uint64_t> peak_seen{0};   // most idle this thread saw at once
    T* items[kMaxPoolThreadCache];
  };

  static PoolConfig clamp_thread_cache(PoolConfig config) {
    config.thread_cache = std::min(config.thread_cache, config.max_pooled);
    return config;
  }

  template <class N = uint64_t>
  static void bump(std::atomic<N>& counter, N delta = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  }

  T* create() {
    std::unique_ptr<T> obj = factory_ ? factory_() : make_default();
    if (!obj) {
      throw Exception(Error(ErrorCode::kFailedPrecondition, "pool factory returned null"));
    }
    created_.fetch_add(1, std::memory_order_relaxed);
    return obj.release();
  }

  static std::unique_ptr<T> make_default() {
    if constexpr (std::is_default_constructible_v<T>) {
      return std::make_unique<T>();
    } else {
      throw Exception(Error(ErrorCode::kInvalidArgument,
                            "pool of a type without a default constructor needs a factory"));
    }
  }

  // Mirrors shared_.size() for the lock-free peak estimate. Under mu_.
  void publish_shared_size() {
    shared_size_.store(shared_.size(), std::memory_order_relaxed);
    shared_peak_ = std::max(shared_peak_, shared_.size());
  }

  void destroy_idle(T* const* objs, size_t n) {
    for (size_t i = 0; i < n; ++i)
      delete objs[i];
  }

  // The caller's magazine, created on first use and drained if clear() ran
  // since this thread last looked.
  Magazine& magazine(uint32_t slot) {
    Magazine* m = magazines_[slot].load(std::memory_order_relaxed);
    if (m == nullptr) [[unlikely]] {
      m = new Magazine;
      m->epoch = epoch_.load(std::memory_order_relaxed);
      magazines_[slot].store(m, std::memory_order_release);
    }
    const uint64_t epoch = epoch_.load(std::memory_order_relaxed);
    if (m->epoch != epoch) [[unlikely]] {
      destroy_idle(m->items, m->count.load(std::memory_order_relaxed));
      m->count.store(0, std::memory_order_relaxed);
      m->epoch = epoch;
    }
    return *m;
  }

  // Moves up to half a magazine from the shared list; returns the new count.
  uint32_t refill(Magazine& m) {
    std::lock_guard lock(mu_);
    const size_t take = std::min(shared_.size(), std::max<size_t>(1, config_.thread_cache / 2));
    std::copy(shared_.end() - static_cast<ptrdiff_t>(take), shared_.end(), m.items);
    shared_.resize(shared_.size() - take);
    publish_shared_size();
    m.count.store(static_cast<uint32_t>(take), std::memory_order_relaxed);
    return static_cast<uint32_t>(take);
  }

  // Moves the upper half of a full magazine to the shared list, destroying
  // what does not fit under max_pooled; returns the new count.
  uint32_t spill(Magazine& m) {
    const uint32_t keep = static_cast<uint32_t>(config_.thread_cache / 2);
    const uint32_t full = static_cast<uint32_t>(config_.thread_cache);
    uint32_t moved = 0;
    {
      std::lock_guard lock(mu_);
      while (keep + moved < full && shared_.size() < config_.max_pooled) {
        shared_.push_back(m.items[keep + moved++]);
      }
      publish_shared_size();
    }
    destroy_idle(m.items + keep + moved, full - keep - moved);
    m.count.store(keep, std::memory_order_relaxed);
    return keep;
  }

  T* acquire_shared() {
    T* obj = nullptr;
    {
      std::lock_guard lock(mu_);
      ++shared_outstanding_;
      if (config_.track_stats) ++shared_acquired_;
      if (!shared_.empty()) {
        obj = shared_.back();
        shared_.pop_back();
        publish_shared_size();
        if (config_.track_stats) ++shared_reused_;
      }
    }
    if (obj != nullptr) return obj;
    try {
      return create();
    } catch (...) {
      std::lock_guard lock(mu_);
      --shared_outstanding_;
      throw;
    }
  }

  void give_back_shared(T* obj) {
    bool pooled = false;
    {
      std::lock_guard lock(mu_);
      --shared_outstanding_;
      if (obj != nullptr && shared_.size() < config_.max_pooled) {
        shared_.push_back(obj);
        publish_shared_size();
        pooled = true;
      }
    }
    if (!pooled) delete obj;
  }

  void clear_everything_idle() {
    for (T* obj : shared_)
      delete obj;
    shared_.clear();
    for (auto& slot : magazines_) {
      Magazine* m = slot.exchange(nullptr, std::memory_order_acq_rel);
      if (m == nullptr) continue;
      for (uint32_t i = 0; i < m->count.load(std::memory_order_relaxed); ++i)
        delete m->items[i];
      delete m;
    }
  }

  const PoolConfig config_;
  const Factory factory_;
  const Reset reset_;

  std::atomic<bool> dead_{false};
  std::atomic<int64_t> orphans_{0};
  std::atomic<uint64_t> epoch_{0};
  std::atomic<uint64_t> created_{0};

  mutable std::mutex mu_;
  std::vector<T*> shared_;
  int64_t shared_outstanding_ = 0;  // from threads without a cache
  uint64_t shared_acquired_ = 0;
  uint64_t shared_reused_ = 0;

  size_t shared_peak_ = 0;  // under mu_: the most the shared list held
  // shared_.size(), readable without the lock; changes only on slow paths.
  alignas(64) std::atomic<size_t> shared_size_{0};

  alignas(64) std::atomic<Magazine*> magazines_[kMaxThreadSlots]{};
};

}  // namespace core::detail
