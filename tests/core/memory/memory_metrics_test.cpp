// Runs with lx_core_memhook linked: every count here comes from the real
// replaced operator new/delete.
#include <gtest/gtest.h>

#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "core/memory/allocation_tracker.h"
#include "core/memory/memory_metrics.h"
#include "core/memory/memory_profiler.h"

namespace core {
namespace {

// Keeps the compiler from eliding a new/delete pair.
template <class T>
T* opaque(T* p) {
  asm volatile("" : "+r"(p) : : "memory");
  return p;
}

TEST(MemoryMetricsTest, HookIsInstalled) {
  EXPECT_TRUE(MemoryMetrics::hook_installed());
}

TEST(AllocationTrackerTest, CountsEachFormOfNewAndDelete) {
  struct alignas(128) Wide {
    char bytes[256];
  };
  AllocationTracker t;
  delete opaque(new int(1));
  delete[] opaque(new int[100]);
  delete opaque(new Wide);
  delete[] opaque(new Wide[3]);
  ::operator delete(opaque(::operator new(64, std::nothrow)), std::nothrow);
  ::operator delete(opaque(::operator new(64)), 64);
  ::operator delete (opaque(::operator new (64, std::align_val_t{64})), std::align_val_t{64});
  EXPECT_EQ(t.thread_allocations(), 7u);
  EXPECT_EQ(t.thread_deallocations(), 7u);
  EXPECT_GE(t.thread_bytes_allocated(), 4u + 400u + 256u + 768u + 3 * 64u);
  EXPECT_EQ(t.thread_net_bytes(), 0) << "usable sizes must balance";
}

TEST(AllocationTrackerTest, AlignedNewReturnsAlignedMemory) {
  struct alignas(256) Page {
    char b[512];
  };
  std::unique_ptr<Page> p(new Page);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p.get()) % 256, 0u);
}

TEST(AllocationTrackerTest, PeakAndNetFollowWhatTheScopeHolds) {
  AllocationTracker t;
  auto* big = opaque(new char[1 << 20]);
  EXPECT_GE(t.thread_net_bytes(), 1 << 20);
  delete[] big;
  EXPECT_EQ(t.thread_net_bytes(), 0);
  EXPECT_GE(t.thread_peak_bytes(), 1 << 20);
  EXPECT_LT(t.thread_peak_bytes(), (1 << 20) + 4096);
}

TEST(AllocationTrackerTest, NestedScopesKeepTheOuterPeak) {
  AllocationTracker outer;
  {
    AllocationTracker inner;
    delete[] opaque(new char[100000]);
    EXPECT_GE(inner.thread_peak_bytes(), 100000);
  }
  EXPECT_GE(outer.thread_peak_bytes(), 100000) << "the inner scope's peak belongs to the outer";
  AllocationTracker later;
  EXPECT_EQ(later.thread_peak_bytes(), 0) << "a new scope starts from zero";
}

TEST(MemoryMetricsTest, OtherThreadsCountInTheProcessTotalsEvenAfterTheyExit) {
  MemorySnapshot before = MemoryMetrics::snapshot();
  std::thread([] {
    for (int i = 0; i < 1000; ++i)
      delete opaque(new long(i));
  }).join();
  MemoryDiff d = diff(before, MemoryMetrics::snapshot());
  EXPECT_GE(d.allocations, 1000);
  EXPECT_GE(d.deallocations, 1000);
  EXPECT_GE(d.bytes_allocated, 8000);
}

TEST(MemoryMetricsTest, AllocationOnOneThreadFreedOnAnotherBalances) {
  MemorySnapshot before = MemoryMetrics::snapshot();
  std::vector<char*> blocks;
  for (int i = 0; i < 100; ++i)
    blocks.push_back(opaque(new char[1000]));
  std::thread([&] {
    for (char* b : blocks)
      delete[] b;
  }).join();
  MemoryDiff d = diff(before, MemoryMetrics::snapshot());
  EXPECT_GE(d.allocations, 100);
  // The vector itself was freed too? No: it is still alive here, so allow it.
  EXPECT_LT(d.current_bytes, 4096) << "bytes freed elsewhere must come off the process total";
}

TEST(MemoryMetricsTest, ProcessPeakSeesAShortLivedLargeBlock) {
  MemoryMetrics::reset_peak();
  const int64_t base = MemoryMetrics::snapshot().current_bytes;
  delete[] opaque(new char[8 << 20]);
  MemorySnapshot s = MemoryMetrics::snapshot();
  EXPECT_GE(static_cast<int64_t>(s.peak_bytes), base + (8 << 20));
  EXPECT_LT(s.current_bytes, base + (1 << 20));
}

TEST(MemoryProfilerTest, ProfileReportsWorkAndFindsALeak) {
  std::unique_ptr<char[]> kept;
  ProfileResult leaky = MemoryProfiler::profile("leaky", [&] {
    kept.reset(opaque(new char[5000]));
    delete opaque(new int(3));
  });
  EXPECT_EQ(leaky.name, "leaky");
  EXPECT_EQ(leaky.allocations, 2u);
  EXPECT_EQ(leaky.deallocations, 1u);
  EXPECT_TRUE(leaky.leaked());
  EXPECT_GE(leaky.net_bytes, 5000);
  EXPECT_GT(leaky.duration.count(), 0);
  EXPECT_NE(leaky.format().find("leaky: "), std::string::npos);
  EXPECT_NE(leaky.format().find("(leaked)"), std::string::npos);

  ProfileResult clean = MemoryProfiler::profile("clean", [] {
    std::vector<int> v(1000, 1);
    (void)opaque(v.data());
  });
  EXPECT_FALSE(clean.leaked());
  EXPECT_EQ(clean.allocations, 1u);
  EXPECT_GE(clean.peak_bytes, 4000);
}

TEST(MemoryDiffTest, FormatReadsAsOneLine) {
  MemorySnapshot a{.allocations = 10,
                   .deallocations = 5,
                   .bytes_allocated = 1000,
                   .bytes_freed = 500,
                   .current_bytes = 500,
                   .peak_bytes = 900};
  MemorySnapshot b{.allocations = 22,
                   .deallocations = 15,
                   .bytes_allocated = 3048,
                   .bytes_freed = 1396,
                   .current_bytes = 1652,
                   .peak_bytes = 2 << 20};
  EXPECT_EQ(diff(a, b).format(),
            "allocs +12 frees +10 allocated +2.0 KiB freed +896 B net +1.1 KiB peak 2.0 MiB");
  EXPECT_EQ(format_bytes(-2048), "-2.0 KiB");
  EXPECT_EQ(format_bytes(0), "0 B");
}

}  // namespace
}  // namespace core
