#include "core/thread/rw_spin_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace core {
namespace {

TEST(RwSpinLockTest, ReadersShareAndExcludeWriters) {
  RwSpinLock lock;
  ASSERT_TRUE(lock.try_lock_shared());
  ASSERT_TRUE(lock.try_lock_shared()) << "readers share";
  EXPECT_FALSE(lock.try_lock()) << "a writer waits for readers";
  lock.unlock_shared();
  lock.unlock_shared();
  ASSERT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock_shared()) << "a reader waits for the writer";
  EXPECT_FALSE(lock.try_lock());
  lock.unlock();
  EXPECT_TRUE(lock.try_lock_shared());
  lock.unlock_shared();
}

TEST(RwSpinLockTest, AWaitingWriterKeepsNewReadersOut) {
  RwSpinLock lock;
  lock.lock_shared();
  std::atomic<bool> written{false};
  std::thread writer([&] {
    std::unique_lock guard(lock);
    written = true;
  });
  // Wait until the writer has raised its flag: new readers are refused.
  while (lock.try_lock_shared()) {
    lock.unlock_shared();
    std::this_thread::yield();
  }
  EXPECT_FALSE(written.load());
  lock.unlock_shared();
  writer.join();
  EXPECT_TRUE(written.load());
  EXPECT_TRUE(lock.try_lock_shared()) << "the flag goes with the writer";
  lock.unlock_shared();
}

// Writers keep two plain counters equal; readers must never see them differ.
// Under TSan (build-tsan) a broken lock also shows up as a data race.
TEST(RwSpinLockTest, ProtectsDataUnderContention) {
  RwSpinLock lock;
  long a = 0, b = 0;
  std::atomic<int> torn{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        if ((i + t) % 4 == 0) {
          std::unique_lock guard(lock);
          ++a;
          ++b;
        } else {
          std::shared_lock guard(lock);
          if (a != b) ++torn;
        }
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(a, 20000) << "every write happened once";
  EXPECT_EQ(b, 20000);
}

}  // namespace
}  // namespace core
