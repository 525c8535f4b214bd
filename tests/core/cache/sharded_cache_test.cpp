#include "core/cache/sharded_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace core {
namespace {

using std::chrono::seconds;
using U64Cache = ShardedCache<std::uint64_t, std::uint64_t>;

CacheConfig lru(std::optional<std::size_t> max_entries,
                std::optional<std::size_t> max_bytes = std::nullopt) {
  CacheConfig c;
  c.max_entries = max_entries;
  c.max_bytes = max_bytes;
  return c;
}

TEST(ShardedCacheTest, RejectsBadShardingWithTheFieldNamed) {
  struct Case {
    CacheConfig config;
    std::size_t shards;
    const char* field;
  };
  for (const Case& c :
       {Case{lru(64), 0, "shards"}, Case{lru(64), 3, "shards"}, Case{lru(8), 16, "max_entries"},
        Case{lru(64, 15), 16, "max_bytes"}, Case{lru(0), 1, "max_entries"}}) {
    auto created = U64Cache::create(c.config, c.shards);
    ASSERT_FALSE(created.is_ok()) << c.field;
    EXPECT_EQ(created.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(created.error().context().field, c.field);
    EXPECT_THROW(U64Cache(c.config, c.shards), Exception);
  }
  auto created = U64Cache::create(lru(16, 16 * 16), 16);
  ASSERT_TRUE(created.is_ok());
  EXPECT_EQ(created.value().shard_count(), 16u);
}

TEST(ShardedCacheTest, SplitsLimitsExactly) {
  for (std::size_t max : {16u, 100u, 1000u}) {
    U64Cache cache(lru(max), 16);
    for (std::uint64_t i = 0; i < 20 * max; ++i) {
      ASSERT_TRUE(cache.put(i, i).is_ok());
    }
    EXPECT_EQ(cache.size(), max) << "every shard full, and together exactly max_entries";
  }
  U64Cache bytes(lru(std::nullopt, 1000), 8);  // 16 bytes an entry, 125 bytes a shard
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    ASSERT_TRUE(bytes.put(i, i).is_ok());
  }
  EXPECT_EQ(bytes.size(), 8u * 7u);
  EXPECT_LE(bytes.bytes(), 1000u);
}

TEST(ShardedCacheTest, BasicOperationsAndAggregatedStats) {
  std::chrono::steady_clock::time_point now{seconds(100)};
  CacheConfig config = lru(64);
  config.default_ttl = seconds(10);
  U64Cache cache(config, 4, {}, [&now] { return now; });
  for (std::uint64_t i = 0; i < 32; ++i) {
    ASSERT_TRUE(cache.put(i, i * 3).is_ok());
  }
  ASSERT_TRUE(cache.put(100, 1, seconds(100)).is_ok());
  for (std::uint64_t i = 0; i < 32; ++i) {
    EXPECT_EQ(cache.get(i), i * 3);
  }
  EXPECT_EQ(cache.get(1000), std::nullopt);
  EXPECT_TRUE(cache.contains(5));
  EXPECT_TRUE(cache.erase(5));
  EXPECT_FALSE(cache.contains(5));
  CacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 32u);
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.entries, 32u);
  EXPECT_EQ(stats.bytes, 32u * 16u);
  EXPECT_EQ(cache.size(), 32u);
  now += seconds(10);
  EXPECT_EQ(cache.purge_expired(), 31u);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.stats().expirations, 31u);
  cache.reset_stats();
  EXPECT_EQ(cache.stats().hits, 0u);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ShardedCacheTest, ConcurrentMixedOperationsKeepInvariants) {
  constexpr std::size_t kMaxEntries = 4096;
  constexpr int kThreads = 4;
  constexpr int kOpsPerThread = 50'000;
  for (EvictionPolicy policy : {EvictionPolicy::kLru, EvictionPolicy::kLfu}) {
    SCOPED_TRACE(eviction_policy_name(policy));
    CacheConfig config = lru(kMaxEntries);
    config.policy = policy;
    U64Cache cache(config, 16);
    std::atomic<std::uint64_t> gets{0};
    std::atomic<std::uint64_t> wrong_values{0};
    std::atomic<std::uint64_t> failed_puts{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 rng(t);
        std::uint64_t my_gets = 0;
        for (int op = 0; op < kOpsPerThread; ++op) {
          const std::uint64_t key = rng() % (2 * kMaxEntries);
          const std::uint64_t kind = rng() % 100;
          if (kind < 60) {
            ++my_gets;
            const std::optional<std::uint64_t> value = cache.get(key);
            if (value && *value / 16 != key) wrong_values.fetch_add(1);
          } else if (kind < 95) {
            if (!cache.put(key, key * 16 + static_cast<std::uint64_t>(t)).is_ok()) {
              failed_puts.fetch_add(1);
            }
          } else if (kind < 99) {
            cache.erase(key);
          } else {
            (void)cache.stats();  // locks every shard in turn while others write
          }
        }
        gets.fetch_add(my_gets);
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }

    EXPECT_EQ(wrong_values.load(), 0u);
    EXPECT_EQ(failed_puts.load(), 0u);
    const CacheStats stats = cache.stats();
    EXPECT_EQ(stats.hits + stats.misses, gets.load());
    EXPECT_GT(stats.hits, 0u);
    EXPECT_GT(stats.evictions, 0u);
    EXPECT_LE(stats.entries, kMaxEntries);
    EXPECT_EQ(stats.entries, cache.size());
    EXPECT_EQ(stats.bytes, stats.entries * 2 * sizeof(std::uint64_t));
    std::size_t present = 0;
    for (std::uint64_t key = 0; key < 2 * kMaxEntries; ++key) {
      present += cache.contains(key);
    }
    EXPECT_EQ(present, stats.entries);
  }
}

}  // namespace
}  // namespace core
