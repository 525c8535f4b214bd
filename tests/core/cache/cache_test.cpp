#include "core/cache/cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace core {

// Names policies in test output (found by argument-dependent lookup).
void PrintTo(EvictionPolicy policy, std::ostream* os) {
  *os << eviction_policy_name(policy);
}

namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;
using IntCache = Cache<int, int>;

// A clock the test moves by hand, so TTL tests never sleep.
class FakeClock {
 public:
  CacheClock fn() {
    return [this] { return now_; };
  }
  void advance(nanoseconds d) { now_ += d; }

 private:
  std::chrono::steady_clock::time_point now_{seconds(1000)};
};

CacheConfig config(EvictionPolicy policy, std::optional<std::size_t> max_entries,
                   std::optional<std::size_t> max_bytes = std::nullopt) {
  CacheConfig c;
  c.policy = policy;
  c.max_entries = max_entries;
  c.max_bytes = max_bytes;
  return c;
}

// Sizes entries by the length of their string value.
std::size_t value_length(const int&, const std::string& value) {
  return value.size();
}

void put_ok(IntCache& cache, int key, int value) {
  ASSERT_TRUE(cache.put(key, value).is_ok());
}

// ---- Configuration ----

TEST(CacheConfigTest, ZeroLimitsAreRejectedWithTheFieldNamed) {
  struct Case {
    CacheConfig config;
    const char* field;
  };
  CacheConfig zero_entries;
  zero_entries.max_entries = 0;
  CacheConfig zero_bytes;
  zero_bytes.max_bytes = 0;
  CacheConfig zero_ttl;
  zero_ttl.default_ttl = nanoseconds(0);
  CacheConfig negative_ttl;
  negative_ttl.default_ttl = nanoseconds(-5);
  CacheConfig bad_policy;
  bad_policy.policy = static_cast<EvictionPolicy>(42);
  for (const Case& c : {Case{zero_entries, "max_entries"}, Case{zero_bytes, "max_bytes"},
                        Case{zero_ttl, "default_ttl"}, Case{negative_ttl, "default_ttl"},
                        Case{bad_policy, "policy"}}) {
    auto created = IntCache::create(c.config);
    ASSERT_FALSE(created.is_ok()) << c.field;
    EXPECT_EQ(created.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(created.error().context().field, c.field);
    try {
      IntCache cache(c.config);
      ADD_FAILURE() << "constructor accepted a bad " << c.field;
    } catch (const Exception& e) {
      EXPECT_EQ(e.error().context().field, c.field);
    }
  }
}

TEST(CacheConfigTest, UnsetLimitsMeanUnlimited) {
  auto created = IntCache::create(CacheConfig{});
  ASSERT_TRUE(created.is_ok());
  IntCache cache = std::move(created).value();
  for (int i = 0; i < 100'000; ++i) {
    put_ok(cache, i, i * 2);
  }
  EXPECT_EQ(cache.size(), 100'000u);
  for (int i = 0; i < 100'000; i += 997) {
    EXPECT_EQ(cache.get(i), i * 2);
  }
  for (int i = 0; i < 100'000; i += 2) {
    EXPECT_TRUE(cache.erase(i));
  }
  EXPECT_EQ(cache.size(), 50'000u);
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_EQ(cache.contains(i), i % 2 == 1) << i;
  }
  EXPECT_EQ(cache.stats().evictions, 0u);
}

TEST(CacheConfigTest, PolicyNames) {
  EXPECT_STREQ(eviction_policy_name(EvictionPolicy::kLru), "lru");
  EXPECT_STREQ(eviction_policy_name(EvictionPolicy::kLfu), "lfu");
  EXPECT_STREQ(eviction_policy_name(EvictionPolicy::kFifo), "fifo");
  EXPECT_STREQ(eviction_policy_name(EvictionPolicy::kNone), "none");
}

// ---- Eviction order ----

TEST(CacheTest, LruEvictsLeastRecentlyUsed) {
  IntCache cache(config(EvictionPolicy::kLru, 3));
  put_ok(cache, 1, 10);
  put_ok(cache, 2, 20);
  put_ok(cache, 3, 30);
  EXPECT_EQ(cache.get(1), 10);  // order, oldest first: 2 3 1
  put_ok(cache, 4, 40);         // evicts 2
  EXPECT_FALSE(cache.contains(2));
  put_ok(cache, 3, 33);  // an update is a use: 1 4 3
  put_ok(cache, 5, 50);  // evicts 1
  EXPECT_FALSE(cache.contains(1));
  EXPECT_TRUE(cache.contains(3));
  EXPECT_TRUE(cache.contains(4));
  EXPECT_TRUE(cache.contains(5));
  EXPECT_EQ(cache.get(3), 33);
  EXPECT_EQ(cache.stats().evictions, 2u);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(CacheTest, ContainsDoesNotTouch) {
  IntCache cache(config(EvictionPolicy::kLru, 2));
  put_ok(cache, 1, 10);
  put_ok(cache, 2, 20);
  EXPECT_TRUE(cache.contains(1));  // not a use: 1 stays the oldest
  put_ok(cache, 3, 30);
  EXPECT_FALSE(cache.contains(1));
  EXPECT_EQ(cache.stats().hits + cache.stats().misses, 0u);
}

TEST(CacheTest, LfuEvictsLeastFrequentlyUsed) {
  IntCache cache(config(EvictionPolicy::kLfu, 3));
  put_ok(cache, 1, 10);
  put_ok(cache, 2, 20);
  put_ok(cache, 3, 30);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cache.find(1));
  }
  ASSERT_TRUE(cache.find(3));
  // Uses: 1 -> 4, 2 -> 1, 3 -> 2.
  put_ok(cache, 4, 40);
  EXPECT_FALSE(cache.contains(2));
  // 4 has one use, the fewest, so the next newcomer replaces it.
  put_ok(cache, 5, 50);
  EXPECT_FALSE(cache.contains(4));
  EXPECT_TRUE(cache.contains(1));
  EXPECT_TRUE(cache.contains(3));
  EXPECT_TRUE(cache.contains(5));
}

TEST(CacheTest, LfuBreaksTiesByLeastRecentUse) {
  IntCache cache(config(EvictionPolicy::kLfu, 3));
  put_ok(cache, 1, 10);
  put_ok(cache, 2, 20);
  put_ok(cache, 3, 30);
  // All reach two uses; 2 gets there first, then 3, then 1.
  ASSERT_TRUE(cache.find(2));
  ASSERT_TRUE(cache.find(3));
  ASSERT_TRUE(cache.find(1));
  put_ok(cache, 4, 40);  // the newcomer has one use: it is not a candidate yet
  EXPECT_TRUE(cache.contains(4));
  EXPECT_FALSE(cache.contains(2)) << "the first to reach the lowest count goes";
  ASSERT_TRUE(cache.find(4));  // 4 -> two uses, most recent
  put_ok(cache, 5, 50);
  EXPECT_FALSE(cache.contains(3));
  EXPECT_TRUE(cache.contains(1));
  EXPECT_TRUE(cache.contains(4));
}

TEST(CacheTest, LfuPutOfExistingKeyCountsAsUse) {
  IntCache cache(config(EvictionPolicy::kLfu, 2));
  put_ok(cache, 1, 10);
  put_ok(cache, 2, 20);
  put_ok(cache, 1, 11);  // 1 -> two uses
  put_ok(cache, 3, 30);
  EXPECT_FALSE(cache.contains(2));
  EXPECT_EQ(cache.get(1), 11);
}

TEST(CacheTest, FifoEvictsOldestInsertionRegardlessOfUse) {
  IntCache cache(config(EvictionPolicy::kFifo, 3));
  put_ok(cache, 1, 10);
  put_ok(cache, 2, 20);
  put_ok(cache, 3, 30);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(cache.find(1));
  }
  put_ok(cache, 1, 11);  // an update does not make it younger
  put_ok(cache, 4, 40);
  EXPECT_FALSE(cache.contains(1));
  put_ok(cache, 5, 50);
  EXPECT_FALSE(cache.contains(2));
  EXPECT_TRUE(cache.contains(3));
  EXPECT_TRUE(cache.contains(4));
  EXPECT_TRUE(cache.contains(5));
}

TEST(CacheTest, NonePolicyRefusesNewKeysWhenFull) {
  IntCache cache(config(EvictionPolicy::kNone, 2));
  put_ok(cache, 1, 10);
  put_ok(cache, 2, 20);
  Status status = cache.put(3, 30);
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kCapacityExceeded);
  EXPECT_EQ(status.error().context().field, "max_entries");
  EXPECT_NE(status.error().message().find("'none'"), std::string::npos);
  EXPECT_FALSE(cache.contains(3));
  EXPECT_EQ(cache.get(1), 10);
  EXPECT_EQ(cache.get(2), 20);
  put_ok(cache, 2, 22);  // updating an existing key needs no room
  EXPECT_EQ(cache.get(2), 22);
  EXPECT_TRUE(cache.erase(1));
  put_ok(cache, 3, 30);  // room again
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.stats().evictions, 0u);
}

TEST(CacheTest, NonePolicyRefusesGrowingUpdateBeyondMaxBytes) {
  Cache<int, std::string> cache(config(EvictionPolicy::kNone, std::nullopt, 10), value_length);
  ASSERT_TRUE(cache.put(1, "aaaa").is_ok());
  ASSERT_TRUE(cache.put(2, "bbbb").is_ok());
  Status status = cache.put(1, "aaaaaaa");  // 7 + 4 > 10
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kCapacityExceeded);
  EXPECT_EQ(status.error().context().field, "max_bytes");
  EXPECT_EQ(cache.get(1), "aaaa");
  EXPECT_EQ(cache.bytes(), 8u);
  ASSERT_TRUE(cache.put(1, "aaaaaa").is_ok());  // 6 + 4 fits exactly
  EXPECT_EQ(cache.bytes(), 10u);
  EXPECT_FALSE(cache.put(3, "c").is_ok());
}

// ---- Byte limits ----

TEST(CacheTest, ByteLimitEvictsUntilTheNewEntryFits) {
  Cache<int, std::string> cache(config(EvictionPolicy::kLru, std::nullopt, 10), value_length);
  ASSERT_TRUE(cache.put(1, "aaa").is_ok());
  ASSERT_TRUE(cache.put(2, "bbb").is_ok());
  ASSERT_TRUE(cache.put(3, "ccc").is_ok());
  EXPECT_EQ(cache.bytes(), 9u);
  ASSERT_TRUE(cache.put(4, "dddddd").is_ok());  // needs 6: evicts 1 and 2
  EXPECT_FALSE(cache.contains(1));
  EXPECT_FALSE(cache.contains(2));
  EXPECT_TRUE(cache.contains(3));
  EXPECT_TRUE(cache.contains(4));
  EXPECT_EQ(cache.bytes(), 9u);
  EXPECT_EQ(cache.stats().evictions, 2u);
}

TEST(CacheTest, OversizeEntryIsRejectedAndNothingIsLost) {
  Cache<int, std::string> cache(config(EvictionPolicy::kLru, std::nullopt, 10), value_length);
  ASSERT_TRUE(cache.put(1, "aaaa").is_ok());
  ASSERT_TRUE(cache.put(2, "bbbb").is_ok());
  for (int key : {1, 3}) {  // an update and a new key
    Status status = cache.put(key, std::string(11, 'x'));
    ASSERT_FALSE(status.is_ok());
    EXPECT_EQ(status.error().code(), ErrorCode::kCapacityExceeded);
    EXPECT_EQ(status.error().context().field, "max_bytes");
  }
  EXPECT_EQ(cache.get(1), "aaaa");
  EXPECT_EQ(cache.get(2), "bbbb");
  EXPECT_EQ(cache.bytes(), 8u);
  EXPECT_EQ(cache.stats().evictions, 0u);
  ASSERT_TRUE(cache.put(3, std::string(10, 'x')).is_ok());  // exactly max_bytes fits
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CacheTest, GrowingUpdateEvictsOthersButNeverItself) {
  for (EvictionPolicy policy :
       {EvictionPolicy::kLru, EvictionPolicy::kLfu, EvictionPolicy::kFifo}) {
    SCOPED_TRACE(eviction_policy_name(policy));
    Cache<int, std::string> cache(config(policy, std::nullopt, 10), value_length);
    ASSERT_TRUE(cache.put(1, "aaa").is_ok());  // oldest and least used: first in line
    ASSERT_TRUE(cache.put(2, "bbb").is_ok());
    ASSERT_TRUE(cache.put(3, "ccc").is_ok());
    ASSERT_TRUE(cache.find(2));
    ASSERT_TRUE(cache.find(3));
    ASSERT_TRUE(cache.put(1, "aaaaaaaa").is_ok());  // 8 + 3 > 10: both others go
    EXPECT_EQ(cache.get(1), "aaaaaaaa");
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.bytes(), 8u);
    EXPECT_EQ(cache.stats().evictions, 2u);
  }
}

TEST(CacheTest, DefaultSizeIsInlineSize) {
  Cache<std::uint64_t, std::uint64_t> cache(config(EvictionPolicy::kLru, std::nullopt, 64));
  for (std::uint64_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(cache.put(i, i).is_ok());
  }
  EXPECT_EQ(cache.size(), 4u);  // 16 bytes each
  EXPECT_EQ(cache.bytes(), 64u);
}

TEST(CacheTest, EntryLimitAndByteLimitTogether) {
  Cache<int, std::string> cache(config(EvictionPolicy::kFifo, 3, 100), value_length);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(cache.put(i, "x").is_ok());
  }
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_TRUE(cache.put(9, std::string(99, 'y')).is_ok());  // must drop all but one x
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.contains(4));
  EXPECT_EQ(cache.bytes(), 100u);
}

// ---- TTL ----

TEST(CacheTest, DefaultTtlExpiresOnAccess) {
  FakeClock clock;
  CacheConfig c = config(EvictionPolicy::kLru, 10);
  c.default_ttl = seconds(10);
  IntCache cache(c, {}, clock.fn());
  put_ok(cache, 1, 10);
  clock.advance(seconds(9));
  EXPECT_EQ(cache.get(1), 10);
  clock.advance(seconds(1));
  EXPECT_FALSE(cache.contains(1));
  EXPECT_EQ(cache.size(), 1u) << "contains does not remove";
  EXPECT_EQ(cache.get(1), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
  CacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.expirations, 1u);
  EXPECT_EQ(stats.evictions, 0u);
}

TEST(CacheTest, PerEntryTtlOverridesDefault) {
  FakeClock clock;
  CacheConfig c = config(EvictionPolicy::kLru, 10);
  c.default_ttl = seconds(10);
  IntCache cache(c, {}, clock.fn());
  put_ok(cache, 1, 10);
  ASSERT_TRUE(cache.put(2, 20, seconds(2)).is_ok());
  ASSERT_TRUE(cache.put(3, 30, seconds(60)).is_ok());
  clock.advance(seconds(5));
  EXPECT_TRUE(cache.contains(1));
  EXPECT_FALSE(cache.contains(2));
  clock.advance(seconds(10));
  EXPECT_FALSE(cache.contains(1));
  EXPECT_TRUE(cache.contains(3));
}

TEST(CacheTest, NoTtlMeansNoExpiry) {
  FakeClock clock;
  IntCache cache(config(EvictionPolicy::kLru, 10), {}, clock.fn());
  put_ok(cache, 1, 10);
  ASSERT_TRUE(cache.put(2, 20, nanoseconds::max()).is_ok());  // saturates to "never"
  clock.advance(std::chrono::hours(24 * 365 * 100));
  EXPECT_TRUE(cache.contains(1));
  EXPECT_TRUE(cache.contains(2));
  EXPECT_EQ(cache.purge_expired(), 0u);
}

TEST(CacheTest, PutReplacesTtl) {
  FakeClock clock;
  IntCache cache(config(EvictionPolicy::kLru, 10), {}, clock.fn());
  ASSERT_TRUE(cache.put(1, 10, seconds(1)).is_ok());
  ASSERT_TRUE(cache.put(1, 11, seconds(100)).is_ok());
  clock.advance(seconds(50));
  EXPECT_EQ(cache.get(1), 11);
  put_ok(cache, 1, 12);  // no TTL now
  clock.advance(seconds(100));
  EXPECT_EQ(cache.get(1), 12);
}

TEST(CacheTest, PutOverExpiredEntryIsAFreshInsert) {
  FakeClock clock;
  IntCache cache(config(EvictionPolicy::kFifo, 2), {}, clock.fn());
  ASSERT_TRUE(cache.put(1, 10, seconds(1)).is_ok());
  put_ok(cache, 2, 20);
  clock.advance(seconds(2));
  put_ok(cache, 1, 11);  // takes a new place at the back of the queue
  EXPECT_EQ(cache.stats().expirations, 1u);
  put_ok(cache, 3, 30);
  EXPECT_FALSE(cache.contains(2));
  EXPECT_TRUE(cache.contains(1));
}

TEST(CacheTest, NonPositiveEntryTtlIsRejected) {
  IntCache cache(config(EvictionPolicy::kLru, 10));
  for (nanoseconds ttl : {nanoseconds(0), nanoseconds(-1)}) {
    Status status = cache.put(1, 10, ttl);
    ASSERT_FALSE(status.is_ok());
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(status.error().context().field, "ttl");
  }
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CacheTest, PurgeExpiredRemovesOnlyExpired) {
  FakeClock clock;
  IntCache cache(config(EvictionPolicy::kLfu, 100), {}, clock.fn());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(cache.put(i, i, seconds(1 + i % 5)).is_ok());
  }
  for (int i = 50; i < 60; ++i) {
    put_ok(cache, i, i);
  }
  clock.advance(seconds(3));  // ttl 1, 2 and 3 have passed: i % 5 in {0, 1, 2}
  EXPECT_EQ(cache.purge_expired(), 30u);
  EXPECT_EQ(cache.size(), 30u);
  EXPECT_EQ(cache.stats().expirations, 30u);
  for (int i = 0; i < 60; ++i) {
    EXPECT_EQ(cache.contains(i), i >= 50 || i % 5 >= 3) << i;
  }
  EXPECT_EQ(cache.purge_expired(), 0u);
  // The LFU bookkeeping survives removals from the middle of its buckets.
  for (int i = 100; i < 200; ++i) {
    put_ok(cache, i, i);
  }
  EXPECT_EQ(cache.size(), 100u);
}

TEST(CacheTest, ExpiredVictimCountsAsExpiration) {
  FakeClock clock;
  IntCache cache(config(EvictionPolicy::kLru, 2), {}, clock.fn());
  ASSERT_TRUE(cache.put(1, 10, seconds(1)).is_ok());
  put_ok(cache, 2, 20);
  clock.advance(seconds(2));
  put_ok(cache, 3, 30);
  EXPECT_EQ(cache.stats().expirations, 1u);
  EXPECT_EQ(cache.stats().evictions, 0u);
  put_ok(cache, 4, 40);
  EXPECT_EQ(cache.stats().evictions, 1u);
}

TEST(CacheTest, EraseOfExpiredEntryReturnsFalse) {
  FakeClock clock;
  IntCache cache(config(EvictionPolicy::kLru, 2), {}, clock.fn());
  ASSERT_TRUE(cache.put(1, 10, seconds(1)).is_ok());
  clock.advance(seconds(1));
  EXPECT_FALSE(cache.erase(1));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().expirations, 1u);
}

// ---- Stats, erase, clear ----

TEST(CacheTest, StatsAreExact) {
  Cache<int, std::string> cache(config(EvictionPolicy::kLru, 2), value_length);
  ASSERT_TRUE(cache.put(1, "one").is_ok());
  ASSERT_TRUE(cache.put(2, "two!").is_ok());
  EXPECT_TRUE(cache.find(1));
  EXPECT_TRUE(cache.find(1));
  EXPECT_TRUE(cache.find(2));
  EXPECT_FALSE(cache.find(7));
  ASSERT_TRUE(cache.put(3, "three").is_ok());  // evicts 1
  EXPECT_FALSE(cache.find(1));
  CacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 3u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.evictions, 1u);
  EXPECT_EQ(stats.expirations, 0u);
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_EQ(stats.bytes, 9u);
  EXPECT_DOUBLE_EQ(stats.hit_rate(), 0.6);
  cache.reset_stats();
  stats = cache.stats();
  EXPECT_EQ(stats.hits + stats.misses + stats.evictions + stats.expirations, 0u);
  EXPECT_EQ(stats.hit_rate(), 0.0);
  EXPECT_EQ(stats.entries, 2u) << "reset_stats keeps the contents";
}

TEST(CacheTest, FindReturnsPointerAndGetACopy) {
  IntCache cache(config(EvictionPolicy::kLru, 4));
  EXPECT_EQ(cache.find(1), nullptr);
  put_ok(cache, 1, 10);
  const int* value = cache.find(1);
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 10);
  EXPECT_EQ(cache.get(1), std::optional<int>(10));
  EXPECT_EQ(cache.get(2), std::nullopt);
}

TEST(CacheTest, EraseAndClear) {
  for (EvictionPolicy policy :
       {EvictionPolicy::kLru, EvictionPolicy::kLfu, EvictionPolicy::kFifo, EvictionPolicy::kNone}) {
    SCOPED_TRACE(eviction_policy_name(policy));
    IntCache cache(config(policy, 8));
    for (int i = 0; i < 8; ++i) {
      put_ok(cache, i, i);
    }
    EXPECT_TRUE(cache.erase(3));
    EXPECT_FALSE(cache.erase(3));
    EXPECT_FALSE(cache.erase(100));
    EXPECT_EQ(cache.size(), 7u);
    EXPECT_EQ(cache.bytes(), 7 * 2 * sizeof(int));
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.bytes(), 0u);
    for (int i = 0; i < 8; ++i) {
      EXPECT_FALSE(cache.contains(i));
    }
    for (int i = 10; i < 18; ++i) {
      put_ok(cache, i, i);
    }
    for (int i = 10; i < 18; ++i) {
      EXPECT_EQ(cache.get(i), i);
    }
    EXPECT_EQ(cache.stats().evictions, 0u);
  }
}

TEST(CacheTest, OwnsNonTrivialKeysAndMoveOnlyValues) {
  // Under ASan this also checks that growth, eviction, clear and destruction
  // neither leak nor double-free.
  Cache<std::string, std::unique_ptr<std::string>> cache(config(EvictionPolicy::kLru, 1000));
  for (int i = 0; i < 3000; ++i) {
    const std::string key = "key-" + std::to_string(i) + std::string(40, 'k');
    ASSERT_TRUE(cache.put(key, std::make_unique<std::string>(100, 'v')).is_ok());
  }
  EXPECT_EQ(cache.size(), 1000u);
  const auto* value = cache.find("key-2999" + std::string(40, 'k'));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(**value, std::string(100, 'v'));
  cache.clear();
  ASSERT_TRUE(cache.put("again", std::make_unique<std::string>("x")).is_ok());
  Cache<std::string, std::unique_ptr<std::string>> moved = std::move(cache);
  EXPECT_EQ(**moved.find("again"), "x");
}

// ---- Cross-check against a naive model ----

// A deliberately simple cache: a vector scanned for every operation, with
// each policy's victim chosen by a minimum over the entries.
class ModelCache {
 public:
  ModelCache(EvictionPolicy policy, std::size_t max_entries, std::size_t max_bytes)
      : policy_(policy), max_entries_(max_entries), max_bytes_(max_bytes) {}

  std::optional<std::string> get(int key) {
    Item* item = lookup(key);
    if (!item) return std::nullopt;
    use(*item);
    return item->value;
  }

  bool put(int key, const std::string& value) {
    if (value.size() > max_bytes_) return false;
    if (Item* item = lookup(key)) {
      use(*item);
      const std::size_t old_size = item->value.size();
      while (bytes() - old_size + value.size() > max_bytes_) {
        evict(key);  // moves items
      }
      lookup(key)->value = value;
      return true;
    }
    while (items_.size() >= max_entries_ || bytes() + value.size() > max_bytes_) {
      evict(key);
    }
    items_.push_back(Item{key, value, 1, ++clock_, ++clock_});
    return true;
  }

  bool erase(int key) {
    auto it =
        std::find_if(items_.begin(), items_.end(), [&](const Item& i) { return i.key == key; });
    if (it == items_.end()) return false;
    items_.erase(it);
    return true;
  }

  std::size_t size() const { return items_.size(); }
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const Item& item : items_) {
      total += item.value.size();
    }
    return total;
  }
  std::vector<int> keys() const {
    std::vector<int> out;
    for (const Item& item : items_) {
      out.push_back(item.key);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  struct Item {
    int key;
    std::string value;
    std::uint64_t uses;
    std::uint64_t last_use;
    std::uint64_t inserted;
  };

  Item* lookup(int key) {
    for (Item& item : items_) {
      if (item.key == key) return &item;
    }
    return nullptr;
  }

  void use(Item& item) {
    ++item.uses;
    item.last_use = ++clock_;
  }

  // Removes the policy's choice among all entries except `keep`.
  void evict(int keep) {
    auto rank = [&](const Item& item) {
      switch (policy_) {
        case EvictionPolicy::kLru:
          return std::pair<std::uint64_t, std::uint64_t>(item.last_use, 0);
        case EvictionPolicy::kLfu:
          return std::pair<std::uint64_t, std::uint64_t>(item.uses, item.last_use);
        default:
          return std::pair<std::uint64_t, std::uint64_t>(item.inserted, 0);
      }
    };
    auto victim = items_.end();
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->key != keep && (victim == items_.end() || rank(*it) < rank(*victim))) victim = it;
    }
    items_.erase(victim);
  }

  EvictionPolicy policy_;
  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::vector<Item> items_;
  std::uint64_t clock_ = 0;
};

class CacheModelTest : public ::testing::TestWithParam<EvictionPolicy> {};

TEST_P(CacheModelTest, RandomOperationsMatchNaiveModel) {
  const EvictionPolicy policy = GetParam();
  constexpr std::size_t kMaxEntries = 64;
  constexpr std::size_t kMaxBytes = 400;  // ~6 bytes per entry on average: both limits bind
  Cache<int, std::string> cache(config(policy, kMaxEntries, kMaxBytes), value_length);
  ModelCache model(policy, kMaxEntries, kMaxBytes);
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> key_dist(0, 199);
  std::uniform_int_distribution<int> op_dist(0, 99);
  std::uniform_int_distribution<int> len_dist(1, 12);
  std::uint64_t gets = 0;
  for (int op = 0; op < 100'000; ++op) {
    const int key = key_dist(rng);
    const int kind = op_dist(rng);
    if (kind < 50) {
      ++gets;
      ASSERT_EQ(cache.get(key), model.get(key)) << "op " << op << " key " << key;
    } else if (kind < 95) {
      const std::string value(len_dist(rng), static_cast<char>('a' + key % 26));
      ASSERT_EQ(cache.put(key, value).is_ok(), model.put(key, value)) << "op " << op;
    } else {
      ASSERT_EQ(cache.erase(key), model.erase(key)) << "op " << op;
    }
    ASSERT_EQ(cache.size(), model.size()) << "op " << op;
    ASSERT_EQ(cache.bytes(), model.bytes()) << "op " << op;
  }
  for (int key : model.keys()) {
    EXPECT_TRUE(cache.contains(key)) << key;
  }
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits + stats.misses, gets);
  EXPECT_GT(stats.evictions, 1000u);
}

INSTANTIATE_TEST_SUITE_P(Policies, CacheModelTest,
                         ::testing::Values(EvictionPolicy::kLru, EvictionPolicy::kLfu,
                                           EvictionPolicy::kFifo),
                         [](const auto& info) { return eviction_policy_name(info.param); });

}  // namespace
}  // namespace core
