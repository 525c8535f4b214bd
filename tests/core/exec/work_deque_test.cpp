#include "core/exec/work_deque.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace core {
namespace {

TEST(WorkDequeTest, OwnerPopsNewestThievesStealOldest) {
  WorkDeque d(8);
  for (uint32_t i = 1; i <= 4; ++i)
    d.push(i);
  uint32_t id = 0;
  ASSERT_TRUE(d.pop(id));
  EXPECT_EQ(id, 4u);
  ASSERT_TRUE(d.steal(id));
  EXPECT_EQ(id, 1u);
  ASSERT_TRUE(d.pop(id));
  EXPECT_EQ(id, 3u);
  ASSERT_TRUE(d.pop(id));
  EXPECT_EQ(id, 2u);
  EXPECT_FALSE(d.pop(id));
  EXPECT_FALSE(d.steal(id));
}

TEST(WorkDequeTest, FailedPopOrStealLeavesTheOutputAlone) {
  WorkDeque d(4);
  uint32_t id = 77;
  EXPECT_FALSE(d.pop(id));
  EXPECT_FALSE(d.steal(id));
  EXPECT_EQ(id, 77u) << "a caller keeps using `id` after a failed pop; it must stay untouched";
}

TEST(WorkDequeTest, CapacityIsRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(WorkDeque(5).capacity(), 8u);
  EXPECT_EQ(WorkDeque(0).capacity(), 2u);
}

// The owner pushes and pops while two thieves steal: every id must come out
// exactly once.
TEST(WorkDequeTest, ConcurrentStealingLosesAndDuplicatesNothing) {
  constexpr uint32_t kIds = 200000;
  WorkDeque d(kIds);
  std::vector<std::atomic<int>> seen(kIds);
  std::atomic<bool> done{false};
  auto thief = [&] {
    uint32_t id;
    while (!done.load()) {
      if (d.steal(id)) seen[id].fetch_add(1);
    }
    while (d.steal(id))
      seen[id].fetch_add(1);
  };
  std::thread t1(thief), t2(thief);
  uint32_t id;
  for (uint32_t i = 0; i < kIds; ++i) {
    d.push(i);
    if (i % 3 == 0 && d.pop(id)) seen[id].fetch_add(1);
  }
  while (d.pop(id))
    seen[id].fetch_add(1);
  done = true;
  t1.join();
  t2.join();
  for (uint32_t i = 0; i < kIds; ++i)
    ASSERT_EQ(seen[i].load(), 1) << "id " << i;
}

}  // namespace
}  // namespace core
