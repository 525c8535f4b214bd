// core/cache/cache.h: a key-value cache whose every operation is O(1).
//
// `Cache` holds at most `max_entries` entries and `max_bytes` bytes (both
// optional, see cache_config.h) and makes room by evicting in LRU, LFU or FIFO
// order; with EvictionPolicy::kNone it refuses instead. Entries may carry a
// TTL (per put, or the config's default_ttl).
//
//   core::CacheConfig config{.policy = core::EvictionPolicy::kLfu, .max_entries = 10'000};
//   core::Cache<std::string, Row> rows(config);
//   if (const Row* row = rows.find(id)) use(*row);
//   core::Status s = rows.put(id, row);
//
// Semantics:
// - `find`/`get` count a hit or a miss and make the entry "used" (LRU: most
//   recent; LFU: frequency + 1). `contains` does neither.
// - A put of an existing key replaces its value, size and expiry and counts
//   as a use; under FIFO it keeps its place in the queue.
// - An expired entry is invisible. It is removed when an access finds it
//   (counted as an expiration, and as a miss for find/get), by
//   `purge_expired()`, or when the policy picks it as the next victim (counted
//   as an expiration, not an eviction). There is no background thread.
// - LFU evicts the lowest use count; among equals, the least recently used.
// - A put fails with kCapacityExceeded, and changes nothing, when the entry
//   alone is larger than max_bytes, or when the policy is kNone and the entry
//   does not fit beside the others.
//
// Cost: find, get, contains, erase and put are O(1); put is amortized O(1)
// when it evicts several smaller entries to fit a larger one, or when storage
// grows. purge_expired() and clear() are O(capacity). Not thread-safe; see
// sharded_cache.h for the locked variant.
//
// Layout, and why: entries live in one slot array, reused through a free
// list, so a put allocates nothing once the cache has reached its steady
// size. The LRU/FIFO queue and the LFU frequency buckets are lists linked by
// slot index (index_list.h) inside the slots themselves, and the key->slot
// index (slot_index.h) is a flat open-addressing table. Storage grows by
// doubling up to max_entries instead of being reserved up front, so a
// generous limit costs nothing until it is used.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/cache/cache_config.h"
#include "core/cache/cache_stats.h"
#include "core/cache/index_list.h"
#include "core/cache/slot_index.h"
#include "core/error.h"

namespace core {

template <class K, class V, class Hash = std::hash<K>, class Eq = std::equal_to<K>>
class Cache {
  // Storage grows by moving entries; a move that could throw midway would
  // leave half of them behind.
  static_assert(std::is_nothrow_move_constructible_v<K> && std::is_nothrow_move_constructible_v<V>,
                "Cache keys and values must be nothrow move constructible");

 public:
  // How many bytes an entry counts against max_bytes. When empty, an entry
  // counts sizeof(K) + sizeof(V): its inline size only, not the heap memory a
  // std::string or std::vector owns; pass a function for those.
  using SizeFunction = std::function<std::size_t(const K&, const V&)>;

  // Returns kInvalidArgument (with the field named) for a config that
  // validate_cache_config rejects.
  static Result<Cache> create(CacheConfig config, SizeFunction size = {}, CacheClock clock = {}) {
    if (Status status = validate_cache_config(config); !status) return status.error();
    return Cache(std::move(config), std::move(size), std::move(clock));
  }

  // As create(), but throws core::Exception for a rejected config.
  explicit Cache(CacheConfig config, SizeFunction size = {}, CacheClock clock = {})
      : config_(std::move(config)),
        max_entries_(config_.max_entries.value_or(kUnlimited)),
        max_bytes_(config_.max_bytes.value_or(kUnlimited)),
        size_fn_(std::move(size)),
        clock_(std::move(clock)) {
    validate_cache_config(config_).throw_if_error();
  }

  // A moved-from cache may only be assigned to or destroyed.
  Cache(Cache&&) = default;
  Cache& operator=(Cache&&) = default;
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // Inserts or replaces. The entry expires after the config's default_ttl, if set.
  Status put(K key, V value) {
    const std::int64_t expires = config_.default_ttl ? expiry_after(*config_.default_ttl) : kNever;
    return insert(std::move(key), std::move(value), expires);
  }

  // Inserts or replaces with an entry-specific TTL, which must be positive.
  Status put(K key, V value, std::chrono::nanoseconds ttl) {
    if (ttl.count() <= 0) {
      return Error(ErrorCode::kInvalidArgument,
                   "ttl must be positive, got " + std::to_string(ttl.count()) + " ns")
          .with_field("ttl");
    }
    return insert(std::move(key), std::move(value), expiry_after(ttl));
  }

  // The value stored under `key`, or nullptr. Counts a hit or a miss and
  // marks the entry used. The pointer is valid until the next non-const call.
  const V* find(const K& key) {
    const std::uint32_t i = lookup(key, hash_of(key));
    if (i == cache_detail::kNil) {
      ++stats_.misses;
      return nullptr;
    }
    if (expired(slots_[i])) {
      remove(i);
      ++stats_.expirations;
      ++stats_.misses;
      return nullptr;
    }
    ++stats_.hits;
    touch(i);
    return &slots_[i].entry.value;
  }

  // As find(), but returns a copy.
  std::optional<V> get(const K& key) {
    const V* value = find(key);
    return value ? std::optional<V>(*value) : std::nullopt;
  }

  // Whether `key` has an unexpired entry. No stats, no change of order.
  bool contains(const K& key) const {
    const std::uint32_t i = lookup(key, hash_of(key));
    return i != cache_detail::kNil && !expired(slots_[i]);
  }

  // Removes `key`. Returns whether an unexpired entry was removed; an expired
  // one is removed too and counted as an expiration.
  bool erase(const K& key) {
    const std::uint32_t i = lookup(key, hash_of(key));
    if (i == cache_detail::kNil) return false;
    const bool live = !expired(slots_[i]);
    if (!live) ++stats_.expirations;
    remove(i);
    return live;
  }

  // Removes every expired entry and returns how many. O(capacity).
  std::size_t purge_expired() {
    const std::int64_t now = now_ns();
    std::size_t purged = 0;
    for (std::uint32_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].live() && now >= slots_[i].expires) {
        remove(i);
        ++purged;
      }
    }
    stats_.expirations += purged;
    return purged;
  }

  // Removes every entry (not counted as evictions) and keeps the memory.
  void clear() {
    for (Slot& slot : slots_) {
      slot.release();
    }
    free_ = cache_detail::kNil;
    chain_free(0, slots_.size());
    index_.clear();
    order_ = {};
    buckets_.clear();
    bucket_order_ = {};
    free_bucket_ = cache_detail::kNil;
    size_ = 0;
    bytes_ = 0;
  }

  std::size_t size() const { return size_; }
  std::size_t bytes() const { return bytes_; }

  CacheStats stats() const {
    CacheStats stats = stats_;
    stats.entries = size_;
    stats.bytes = bytes_;
    return stats;
  }

  // Zeroes hits, misses, evictions and expirations.
  void reset_stats() { stats_ = {}; }

 private:
  using Nanos = std::chrono::nanoseconds;
  static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  // Slot numbers are 32-bit and kNil is taken, so this many slots at most.
  static constexpr std::size_t kMaxSlots = cache_detail::kNil;
  static constexpr std::size_t kMinSlots = 16;

  struct Entry {
    K key;
    V value;
  };

  // One entry's storage and bookkeeping. `bucket` doubles as the "in use"
  // mark: kNil when the slot is free, else the LFU bucket (0 for the other
  // policies). A free slot's `next` links the free list.
  struct Slot {
    std::uint32_t prev = cache_detail::kNil;  // the LRU/FIFO queue or the LFU bucket's list
    std::uint32_t next = cache_detail::kNil;
    std::uint32_t hash = 0;  // index_hash of the key, so removal need not rehash it
    std::uint32_t bucket = cache_detail::kNil;
    std::int64_t expires = kNever;  // steady-clock nanoseconds
    std::size_t bytes = 0;
    union {
      Entry entry;  // constructed only while live()
    };

    Slot() {}
    Slot(Slot&& other) noexcept
        : prev(other.prev),
          next(other.next),
          hash(other.hash),
          bucket(other.bucket),
          expires(other.expires),
          bytes(other.bytes) {
      if (other.live()) ::new (&entry) Entry(std::move(other.entry));
    }
    Slot& operator=(Slot&&) = delete;
    ~Slot() { release(); }

    bool live() const { return bucket != cache_detail::kNil; }
    void release() {
      if (live()) {
        entry.~Entry();
        bucket = cache_detail::kNil;
      }
    }
  };

  // An LFU frequency: the entries used exactly `freq` times, most recent
  // first. Buckets are kept in a list ordered by rising frequency.
  struct Bucket {
    std::uint64_t freq = 0;
    std::uint32_t prev = cache_detail::kNil;
    std::uint32_t next = cache_detail::kNil;
    cache_detail::IndexList entries;
  };

  std::uint32_t hash_of(const K& key) const {
    return cache_detail::index_hash(cache_detail::mix_hash(hash_(key)));
  }

  std::uint32_t lookup(const K& key, std::uint32_t hash) const {
    return index_.find(hash, [&](std::uint32_t i) { return eq_(slots_[i].entry.key, key); });
  }

  std::int64_t now_ns() const {
    const auto now = clock_ ? clock_() : std::chrono::steady_clock::now();
    return std::chrono::duration_cast<Nanos>(now.time_since_epoch()).count();
  }

  // The clock is read only for entries that can expire.
  bool expired(const Slot& slot) const {
    return slot.expires != kNever && now_ns() >= slot.expires;
  }

  // now + ttl, saturating at kNever.
  std::int64_t expiry_after(Nanos ttl) const {
    const std::int64_t now = now_ns();
    if (now >= 0 && ttl.count() >= kNever - now) return kNever;
    return now + ttl.count();
  }

  Status insert(K&& key, V&& value, std::int64_t expires) {
    const std::size_t bytes = size_fn_ ? size_fn_(key, value) : sizeof(K) + sizeof(V);
    if (bytes > max_bytes_) {
      return Error(ErrorCode::kCapacityExceeded, "entry of " + std::to_string(bytes) +
                                                     " bytes is larger than max_bytes (" +
                                                     std::to_string(max_bytes_) + ")")
          .with_field("max_bytes");
    }
    const std::uint32_t hash = hash_of(key);
    const std::uint32_t i = lookup(key, hash);
    if (i != cache_detail::kNil) {
      if (!expired(slots_[i])) return replace(i, std::move(value), bytes, expires);
      remove(i);
      ++stats_.expirations;
    }
    return add(std::move(key), std::move(value), hash, bytes, expires);
  }

  Status replace(std::uint32_t i, V&& value, std::size_t bytes, std::int64_t expires) {
    Slot& slot = slots_[i];  // evictions below free other slots but never resize slots_
    if (config_.policy == EvictionPolicy::kNone && bytes > max_bytes_ - (bytes_ - slot.bytes)) {
      return no_room_error(bytes);
    }
    touch(i);
    while (bytes > max_bytes_ - (bytes_ - slot.bytes)) {
      evict(victim(i));
    }
    slot.entry.value = std::move(value);
    bytes_ = bytes_ - slot.bytes + bytes;
    slot.bytes = bytes;
    slot.expires = expires;
    return Status::ok();
  }

  Status add(K&& key, V&& value, std::uint32_t hash, std::size_t bytes, std::int64_t expires) {
    if (size_ >= max_entries_ || bytes > max_bytes_ - bytes_) {
      if (config_.policy == EvictionPolicy::kNone) return no_room_error(bytes);
      // Ends: with the cache empty, one entry of <= max_bytes always fits.
      do {
        evict(victim(cache_detail::kNil));
      } while (size_ >= max_entries_ || bytes > max_bytes_ - bytes_);
    }
    if (free_ == cache_detail::kNil && !grow()) {
      return Error(ErrorCode::kCapacityExceeded,
                   "cache cannot index more than " + std::to_string(kMaxSlots) + " entries");
    }
    const std::uint32_t i = free_;
    index_.insert(hash, i);  // may throw bad_alloc; the slot is not taken yet
    Slot& slot = slots_[i];
    free_ = slot.next;
    ::new (&slot.entry) Entry{std::move(key), std::move(value)};
    slot.hash = hash;
    slot.bytes = bytes;
    slot.expires = expires;
    link_new(i);
    ++size_;
    bytes_ += bytes;
    return Status::ok();
  }

  Status no_room_error(std::size_t bytes) const {
    if (size_ >= max_entries_) {
      return Error(ErrorCode::kCapacityExceeded, "cache is full: max_entries (" +
                                                     std::to_string(max_entries_) +
                                                     ") reached and the eviction policy is 'none'")
          .with_field("max_entries");
    }
    return Error(ErrorCode::kCapacityExceeded,
                 "entry of " + std::to_string(bytes) +
                     " bytes does not fit: " + std::to_string(bytes_) + " of max_bytes (" +
                     std::to_string(max_bytes_) + ") in use and the eviction policy is 'none'")
        .with_field("max_bytes");
  }

  // Doubles the slot array, up to max_entries. False when at the limit.
  bool grow() {
    const std::size_t old_size = slots_.size();
    const std::size_t limit = std::min(max_entries_, kMaxSlots);
    if (old_size >= limit) return false;
    const std::size_t new_size = std::min(limit, std::max(kMinSlots, old_size * 2));
    slots_.resize(new_size);
    // An LFU cache never has more buckets than entries; reserving them here
    // keeps find() free of allocation.
    if (config_.policy == EvictionPolicy::kLfu) buckets_.reserve(new_size);
    chain_free(old_size, new_size);
    return true;
  }

  // Puts slots [begin, end) on the free list, lowest first.
  void chain_free(std::size_t begin, std::size_t end) {
    for (std::size_t i = end; i-- > begin;) {
      slots_[i].next = free_;
      free_ = static_cast<std::uint32_t>(i);
    }
  }

  // The entry the policy gives up next, other than `keep`. Precondition: the
  // cache holds an entry other than `keep`.
  std::uint32_t victim(std::uint32_t keep) const {
    if (config_.policy == EvictionPolicy::kLfu) {
      const Bucket& lowest = buckets_[bucket_order_.head];
      if (lowest.entries.tail != keep) return lowest.entries.tail;
      const std::uint32_t before = slots_[keep].prev;
      return before != cache_detail::kNil ? before : buckets_[lowest.next].entries.tail;
    }
    return order_.tail != keep ? order_.tail : slots_[keep].prev;
  }

  void evict(std::uint32_t i) {
    if (expired(slots_[i])) {
      ++stats_.expirations;
    } else {
      ++stats_.evictions;
    }
    remove(i);
  }

  // Takes entry `i` out of the index, its list and the totals, and frees its slot.
  void remove(std::uint32_t i) {
    Slot& slot = slots_[i];
    index_.erase(slot.hash, i);
    switch (config_.policy) {
      case EvictionPolicy::kLru:
      case EvictionPolicy::kFifo:
        order_.unlink(slots_, i);
        break;
      case EvictionPolicy::kLfu:
        leave_bucket(i);
        break;
      case EvictionPolicy::kNone:
        break;
    }
    --size_;
    bytes_ -= slot.bytes;
    slot.release();
    slot.next = free_;
    free_ = i;
  }

  // Enters a new entry into the policy's order.
  void link_new(std::uint32_t i) {
    if (config_.policy != EvictionPolicy::kLfu) {
      slots_[i].bucket = 0;
      if (config_.policy != EvictionPolicy::kNone) order_.push_front(slots_, i);
      return;
    }
    std::uint32_t b = bucket_order_.head;
    if (b == cache_detail::kNil || buckets_[b].freq != 1) b = new_bucket(1, cache_detail::kNil);
    buckets_[b].entries.push_front(slots_, i);
    slots_[i].bucket = b;
  }

  // Records a use of entry `i`.
  void touch(std::uint32_t i) {
    if (config_.policy == EvictionPolicy::kLru) {
      if (order_.head != i) {
        order_.unlink(slots_, i);
        order_.push_front(slots_, i);
      }
    } else if (config_.policy == EvictionPolicy::kLfu) {
      bump(i);
    }
  }

  // Moves entry `i` from its frequency bucket to the next one up.
  void bump(std::uint32_t i) {
    const std::uint32_t from = slots_[i].bucket;
    const std::uint64_t freq = buckets_[from].freq + 1;
    std::uint32_t to = buckets_[from].next;
    if (to == cache_detail::kNil || buckets_[to].freq != freq) {
      if (buckets_[from].entries.head == buckets_[from].entries.tail) {
        // Alone in its bucket: raising the bucket's count keeps the order.
        buckets_[from].freq = freq;
        return;
      }
      to = new_bucket(freq, from);
    }
    leave_bucket(i);
    buckets_[to].entries.push_front(slots_, i);
    slots_[i].bucket = to;
  }

  void leave_bucket(std::uint32_t i) {
    const std::uint32_t b = slots_[i].bucket;
    buckets_[b].entries.unlink(slots_, i);
    if (buckets_[b].entries.empty()) {
      bucket_order_.unlink(buckets_, b);
      buckets_[b].next = free_bucket_;
      free_bucket_ = b;
    }
  }

  // A bucket for `freq`, linked after bucket `after` (or first, for kNil).
  std::uint32_t new_bucket(std::uint64_t freq, std::uint32_t after) {
    std::uint32_t b = free_bucket_;
    if (b != cache_detail::kNil) {
      free_bucket_ = buckets_[b].next;
    } else {
      b = static_cast<std::uint32_t>(buckets_.size());
      buckets_.emplace_back();  // within the capacity grow() reserved
    }
    buckets_[b].freq = freq;
    buckets_[b].entries = {};
    if (after == cache_detail::kNil) {
      bucket_order_.push_front(buckets_, b);
    } else {
      bucket_order_.insert_after(buckets_, after, b);
    }
    return b;
  }

  CacheConfig config_;
  std::size_t max_entries_;  // the config's limits, kUnlimited when unset
  std::size_t max_bytes_;
  SizeFunction size_fn_;
  CacheClock clock_;
  [[no_unique_address]] Hash hash_;
  [[no_unique_address]] Eq eq_;

  std::vector<Slot> slots_;
  std::uint32_t free_ = cache_detail::kNil;  // head of the free-slot list
  cache_detail::SlotIndex index_;
  cache_detail::IndexList order_;  // LRU: most recent first; FIFO: newest first

  std::vector<Bucket> buckets_;           // LFU only
  cache_detail::IndexList bucket_order_;  // lowest frequency first
  std::uint32_t free_bucket_ = cache_detail::kNil;

  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
  CacheStats stats_;  // the counters; entries and bytes are filled in by stats()
};

}  // namespace core
