#include "core/memory/object_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "core/memory/memory_metrics.h"

namespace core {
namespace {

// Counts live instances so tests can see what the pool destroyed.
struct Tracked {
  static inline std::atomic<int> live{0};
  Tracked() { live.fetch_add(1); }
  ~Tracked() { live.fetch_sub(1); }
  int value = 0;
  std::atomic<int> in_use{0};
};

class ObjectPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { Tracked::live = 0; }
  void TearDown() override { EXPECT_EQ(Tracked::live.load(), 0) << "the pool leaked objects"; }
};

TEST_F(ObjectPoolTest, ReusesAReleasedObjectAndCountsIt) {
  ObjectPool<Tracked> pool;
  Tracked* first;
  {
    Pooled<Tracked> h = pool.acquire();
    ASSERT_TRUE(h);
    first = h.get();
  }
  Pooled<Tracked> again = pool.acquire();
  EXPECT_EQ(again.get(), first);
  PoolStats s = pool.stats();
  EXPECT_EQ(s.total_acquired, 2u);
  EXPECT_EQ(s.reused, 1u);
  EXPECT_EQ(s.created, 1u);
  EXPECT_EQ(s.current_pool_size, 0u);
  EXPECT_EQ(s.peak_pool_size, 1u);
  EXPECT_DOUBLE_EQ(s.reuse_rate(), 0.5);
}

TEST_F(ObjectPoolTest, PeakIsExactForOneThreadAcrossCacheAndSharedList) {
  ObjectPool<Tracked> pool(PoolConfig{.max_pooled = 100, .thread_cache = 4});
  {
    std::vector<Pooled<Tracked>> held;
    for (int i = 0; i < 20; ++i)
      held.push_back(pool.acquire());
  }  // 20 idle: some in this thread's cache, the rest spilled to the shared list
  {
    std::vector<Pooled<Tracked>> again;
    for (int i = 0; i < 20; ++i)
      again.push_back(pool.acquire());
    EXPECT_EQ(pool.stats().current_pool_size, 0u);
  }
  PoolStats s = pool.stats();
  EXPECT_EQ(s.peak_pool_size, 20u);
  EXPECT_EQ(s.created, 20u);
  EXPECT_EQ(s.reused, 20u);
}

TEST_F(ObjectPoolTest, ResetHookCleansObjectsOnTheirWayBack) {
  ObjectPool<Tracked> pool({}, nullptr, [](Tracked& t) { t.value = 0; });
  {
    auto h = pool.acquire();
    h->value = 42;
  }
  EXPECT_EQ(pool.acquire()->value, 0);
}

TEST_F(ObjectPoolTest, FactoryMakesObjectsAndInitialCapacityIsCreatedUpFront) {
  int made = 0;
  ObjectPool<Tracked> pool(PoolConfig{.max_pooled = 8, .initial_capacity = 4}, [&] {
    ++made;
    auto t = std::make_unique<Tracked>();
    t->value = 7;
    return t;
  });
  EXPECT_EQ(made, 4);
  EXPECT_EQ(pool.stats().current_pool_size, 4u);
  EXPECT_EQ(pool.acquire()->value, 7);
  EXPECT_EQ(made, 4) << "an idle object must be used before making a new one";
}

TEST_F(ObjectPoolTest, KeepsAtMostMaxPooledIdleWithoutThreadCache) {
  ObjectPool<Tracked> pool(PoolConfig{.max_pooled = 3, .thread_cache = 0});
  {
    std::vector<Pooled<Tracked>> held;
    for (int i = 0; i < 5; ++i)
      held.push_back(pool.acquire());
    EXPECT_EQ(Tracked::live.load(), 5);
  }
  EXPECT_EQ(pool.stats().current_pool_size, 3u);
  EXPECT_EQ(Tracked::live.load(), 3) << "objects beyond max_pooled are destroyed";
}

TEST_F(ObjectPoolTest, ThreadCacheSpillsIntoSharedListAndRespectsTheBound) {
  ObjectPool<Tracked> pool(PoolConfig{.max_pooled = 4, .thread_cache = 4});
  {
    std::vector<Pooled<Tracked>> held;
    for (int i = 0; i < 20; ++i)
      held.push_back(pool.acquire());
  }
  // At most max_pooled in the shared list plus thread_cache in this thread.
  EXPECT_LE(pool.stats().current_pool_size, 8u);
  EXPECT_EQ(static_cast<size_t>(Tracked::live.load()), pool.stats().current_pool_size);
}

TEST_F(ObjectPoolTest, InvalidConfigsAreRejectedNamingTheField) {
  auto field_of = [](PoolConfig c) {
    try {
      ObjectPool<Tracked> pool(c);
    } catch (const Exception& e) {
      EXPECT_EQ(e.error().code(), ErrorCode::kInvalidArgument);
      return e.error().context().field;
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field_of({.max_pooled = 0}), "max_pooled");
  EXPECT_EQ(field_of({.max_pooled = 2, .initial_capacity = 3}), "initial_capacity");
  EXPECT_EQ(field_of({.max_pooled = 1000, .thread_cache = kMaxPoolThreadCache + 1}),
            "thread_cache");
  EXPECT_EQ(field_of({.max_pooled = 2, .thread_cache = 3}), "accepted");
}

TEST_F(ObjectPoolTest, ReleasingTwiceIsAClearError) {
  ObjectPool<Tracked> pool;
  auto h = pool.acquire();
  EXPECT_TRUE(h.release().is_ok());
  EXPECT_FALSE(h);
  Status again = h.release();
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message().find("already released"), std::string::npos);
  EXPECT_FALSE(pool.release(std::move(h)).is_ok());
  EXPECT_EQ(pool.stats().current_pool_size, 1u) << "a failed release must not add anything";
}

TEST_F(ObjectPoolTest, ReleasingIntoAnotherPoolIsRefusedAndTheHandleKeepsItsObject) {
  ObjectPool<Tracked> a;
  ObjectPool<Tracked> b;
  auto h = a.acquire();
  Status s = b.release(std::move(h));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(s.error().message().find("another pool"), std::string::npos);
  ASSERT_TRUE(h);
  EXPECT_EQ(b.stats().current_pool_size, 0u);
  EXPECT_TRUE(a.release(std::move(h)).is_ok());
  EXPECT_EQ(a.stats().current_pool_size, 1u);
}

TEST_F(ObjectPoolTest, HandleOutlivingItsPoolDeletesItsObjectSafely) {
  Pooled<Tracked> survivor;
  {
    ObjectPool<Tracked> pool;
    auto idle = pool.acquire();
    survivor = pool.acquire();
  }
  EXPECT_EQ(Tracked::live.load(), 1) << "the idle object goes with the pool";
  survivor = Pooled<Tracked>();
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST_F(ObjectPoolTest, ThreadCacheLargerThanMaxPooledActsAsMaxPooled) {
  ObjectPool<Tracked> pool(PoolConfig{.max_pooled = 2, .thread_cache = 32});
  EXPECT_EQ(pool.config().thread_cache, 2u);
  {
    std::vector<Pooled<Tracked>> held;
    for (int i = 0; i < 10; ++i)
      held.push_back(pool.acquire());
  }
  EXPECT_LE(pool.stats().current_pool_size, 4u);
}

TEST_F(ObjectPoolTest, ClearDestroysIdleObjects) {
  ObjectPool<Tracked> pool(PoolConfig{.max_pooled = 16, .initial_capacity = 5});
  { auto h = pool.acquire(); }
  pool.clear();
  EXPECT_EQ(pool.stats().current_pool_size, 0u);
  EXPECT_EQ(Tracked::live.load(), 0);
  auto h = pool.acquire();
  EXPECT_EQ(pool.stats().created, 6u) << "after clear a new object must be made";
}

TEST_F(ObjectPoolTest, MoveAssignmentReturnsTheOverwrittenObject) {
  ObjectPool<Tracked> pool;
  auto a = pool.acquire();
  auto b = pool.acquire();
  a = std::move(b);
  EXPECT_FALSE(b);
  EXPECT_EQ(pool.stats().current_pool_size, 1u);
}

struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

TEST_F(ObjectPoolTest, TypeWithoutDefaultConstructorNeedsAFactory) {
  ObjectPool<NoDefault> bare;
  try {
    (void)bare.acquire();
    FAIL() << "acquire without a factory must throw";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().code(), ErrorCode::kInvalidArgument);
  }
  ObjectPool<NoDefault> made({}, [] { return std::make_unique<NoDefault>(3); });
  EXPECT_EQ(made.acquire()->value, 3);
  ObjectPool<NoDefault> broken({}, [] { return std::unique_ptr<NoDefault>(); });
  EXPECT_THROW((void)broken.acquire(), Exception);
  EXPECT_EQ(broken.stats().total_acquired, 0u);
}

TEST_F(ObjectPoolTest, ThrowingResetDestroysTheObjectInsteadOfPoolingIt) {
  ObjectPool<Tracked> pool({}, nullptr, [](Tracked&) { throw std::runtime_error("dirty"); });
  { auto h = pool.acquire(); }
  EXPECT_EQ(pool.stats().current_pool_size, 0u);
  EXPECT_EQ(Tracked::live.load(), 0);
}

TEST_F(ObjectPoolTest, StatsAreNotTrackedWhenSwitchedOff) {
  ObjectPool<Tracked> pool(PoolConfig{.track_stats = false});
  { auto h = pool.acquire(); }
  PoolStats s = pool.stats();
  EXPECT_EQ(s.total_acquired, 0u);
  EXPECT_EQ(s.peak_pool_size, 0u);
  EXPECT_EQ(s.current_pool_size, 1u) << "the idle count is always known";
}

// Many threads acquire, hand objects to each other and release them on other
// threads. No object may ever be handed out twice at once, and every acquire
// is counted.
void stress(PoolConfig config) {
  ObjectPool<Tracked> pool(config);
  constexpr int kThreads = 4;
  constexpr int kRounds = 50000;
  std::mutex mu;
  std::vector<Pooled<Tracked>> exchange;
  std::atomic<int> double_use{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        auto h = pool.acquire();
        if (h->in_use.exchange(1) != 0) double_use.fetch_add(1);
        h->in_use.store(0);
        if ((i + t) % 3 == 0) {
          std::lock_guard lock(mu);
          exchange.push_back(std::move(h));
          if (exchange.size() > 8) exchange.erase(exchange.begin());
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  exchange.clear();
  EXPECT_EQ(double_use.load(), 0);
  PoolStats s = pool.stats();
  EXPECT_EQ(s.total_acquired, uint64_t{kThreads} * kRounds);
  EXPECT_EQ(s.total_acquired - s.reused, s.created);
  EXPECT_EQ(static_cast<size_t>(Tracked::live.load()), s.current_pool_size);
}

TEST_F(ObjectPoolTest, StressWithThreadCaches) {
  stress({.max_pooled = 64, .thread_cache = 8});
}
TEST_F(ObjectPoolTest, StressThroughTheSharedList) {
  stress({.max_pooled = 64, .thread_cache = 0});
}

TEST(ObjectPoolWithoutHook, MetricsSayTheyAreNotMeasured) {
  EXPECT_FALSE(MemoryMetrics::hook_installed());
  EXPECT_EQ(MemoryMetrics::snapshot().allocations, 0u);
}

}  // namespace
}  // namespace core
