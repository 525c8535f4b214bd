// core/memory/object_pool.h: reuse expensive objects instead of rebuilding them.
//
//   ObjectPool<Context> pool(PoolConfig{.max_pooled = 256},
//                            nullptr,                          // default-construct
//                            [](Context& c) { c.clear(); });   // reset on return
//   {
//     Pooled<Context> ctx = pool.acquire();   // reused when one is idle
//     ctx->set("x", 1);
//   }                                         // back in the pool, reset
//   pool.stats().reuse_rate();
//
// Thread-safe. acquire/release usually touch only the calling thread's cache
// (no lock, no shared atomic unless track_stats; see PoolConfig). A handle
// may be released on another thread than the one that acquired it.
//
// Misuse is reported, not undefined: releasing an empty (already released or
// moved-from) handle and releasing a handle into a pool it did not come from
// return kFailedPrecondition; a handle that outlives its pool is still safe to
// destroy (its object is then deleted). Destroying the pool *while* another
// thread is releasing into it is a data race, as for any C++ object.
#pragma once

#include <utility>

#include "core/error.h"
#include "core/memory/pool_config.h"
#include "core/memory/pool_core.h"

namespace core {

template <class T>
class ObjectPool;

// Owns one pooled object; returns it to its pool when destroyed. Move-only.
template <class T>
class Pooled {
 public:
  Pooled() = default;
  Pooled(Pooled&& other) noexcept
      : obj_(std::exchange(other.obj_, nullptr)), core_(std::exchange(other.core_, nullptr)) {}
  Pooled& operator=(Pooled&& other) noexcept {
    if (this != &other) {
      reset_handle();
      obj_ = std::exchange(other.obj_, nullptr);
      core_ = std::exchange(other.core_, nullptr);
    }
    return *this;
  }
  Pooled(const Pooled&) = delete;
  Pooled& operator=(const Pooled&) = delete;
  ~Pooled() { reset_handle(); }

  T* get() const { return obj_; }
  T& operator*() const { return *obj_; }
  T* operator->() const { return obj_; }
  explicit operator bool() const { return obj_ != nullptr; }

  // Returns the object to its pool now. kFailedPrecondition if this handle is
  // empty (already released, or moved from).
  Status release() {
    if (obj_ == nullptr) {
      return Error(ErrorCode::kFailedPrecondition,
                   "pooled handle is empty: its object was already released or moved away");
    }
    reset_handle();
    return Status();
  }

 private:
  friend class ObjectPool<T>;
  Pooled(T* obj, detail::PoolCore<T>* core) : obj_(obj), core_(core) {}

  void reset_handle() noexcept {
    if (obj_ != nullptr) core_->give_back(std::exchange(obj_, nullptr));
    core_ = nullptr;
  }

  T* obj_ = nullptr;
  detail::PoolCore<T>* core_ = nullptr;
};

template <class T>
class ObjectPool {
 public:
  // Makes a new object when none is idle; default: `std::make_unique<T>()`.
  using Factory = typename detail::PoolCore<T>::Factory;
  // Cleans an object as it comes back, so the next user finds it fresh.
  using Reset = typename detail::PoolCore<T>::Reset;

  // Throws core::Exception (kInvalidArgument) if config.validate() fails, or
  // whatever the factory throws while making initial_capacity objects.
  explicit ObjectPool(PoolConfig config = {}, Factory factory = nullptr, Reset reset = nullptr)
      : core_(make_core(config, std::move(factory), std::move(reset))) {}
  ~ObjectPool() { core_->retire(); }
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  // An idle object, or a new one from the factory (whose exceptions propagate).
  Pooled<T> acquire() { return Pooled<T>(core_->acquire(), core_); }

  // Same as handle.release(), but also refuses a handle from another pool
  // (kFailedPrecondition; the handle then keeps its object).
  Status release(Pooled<T>&& handle) {
    if (!handle) return handle.release();
    if (handle.core_ != core_) {
      return Error(ErrorCode::kFailedPrecondition,
                   "pooled object belongs to another pool; release it into its own pool");
    }
    return handle.release();
  }

  // Destroys idle objects (see PoolCore::clear for other threads' caches).
  void clear() { core_->clear(); }
  PoolStats stats() const { return core_->stats(); }
  const PoolConfig& config() const { return core_->config(); }

 private:
  static detail::PoolCore<T>* make_core(PoolConfig config, Factory factory, Reset reset) {
    config.validate().throw_if_error();
    return new detail::PoolCore<T>(config, std::move(factory), std::move(reset));
  }

  detail::PoolCore<T>* core_;
};

}  // namespace core
