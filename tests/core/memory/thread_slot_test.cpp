#include "core/thread/thread_slot.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace core {
namespace {

TEST(ThreadSlotTest, LiveThreadsHaveDistinctSlotsAndExitedSlotsAreReused) {
  const uint32_t mine = this_thread_slot();
  ASSERT_LT(mine, kMaxThreadSlots);
  EXPECT_EQ(this_thread_slot(), mine) << "a thread keeps its slot";

  std::set<uint32_t> seen;
  for (int round = 0; round < 3 * static_cast<int>(kMaxThreadSlots); ++round) {
    uint32_t slot = kNoThreadSlot;
    std::thread([&] { slot = this_thread_slot(); }).join();
    ASSERT_LT(slot, kMaxThreadSlots) << "slots of exited threads must be recycled";
    EXPECT_NE(slot, mine);
    seen.insert(slot);
  }
  EXPECT_LT(seen.size(), kMaxThreadSlots);
}

TEST(ThreadSlotTest, ThreadsBeyondTheLimitGetNoSlot) {
  ASSERT_LT(this_thread_slot(), kMaxThreadSlots);  // this thread holds one too
  std::vector<std::thread> threads;
  std::vector<uint32_t> slots(kMaxThreadSlots + 8);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  for (size_t i = 0; i < slots.size(); ++i) {
    threads.emplace_back([&, i] {
      slots[i] = this_thread_slot();
      ready.fetch_add(1);
      while (!go.load())
        std::this_thread::yield();
    });
  }
  while (ready.load() < static_cast<int>(slots.size()))
    std::this_thread::yield();
  go = true;
  for (auto& t : threads)
    t.join();
  std::set<uint32_t> distinct;
  size_t without = 0;
  for (uint32_t s : slots) {
    if (s == kNoThreadSlot) {
      ++without;
    } else {
      EXPECT_TRUE(distinct.insert(s).second) << "slot " << s << " given to two live threads";
    }
  }
  // This thread holds a slot too, so at least 8 + 1 go without.
  EXPECT_GE(without, 9u);
}

}  // namespace
}  // namespace core
