#include "core/exec/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace core {
namespace {

using std::chrono::steady_clock;

// A random DAG whose tasks each check, when they run, that every predecessor
// has finished; a violation is reported as a task error.
struct CheckedGraph {
  explicit CheckedGraph(uint32_t n, uint32_t edges_per_node, uint32_t seed) : done(n), preds(n) {
    std::mt19937 rng(seed);
    for (uint32_t i = 0; i < n; ++i) {
      graph
          .add("t" + std::to_string(i),
               [this, i]() -> Status {
                 for (uint32_t p : preds[i]) {
                   if (done[p].load(std::memory_order_acquire) != runs) {
                     return Error(ErrorCode::kInternal,
                                  "ran before predecessor t" + std::to_string(p));
                   }
                 }
                 done[i].fetch_add(1, std::memory_order_release);
                 executed.fetch_add(1, std::memory_order_relaxed);
                 return Status();
               })
          .value();
    }
    for (uint32_t i = 1; i < n; ++i) {
      for (uint32_t e = 0; e < edges_per_node; ++e) {
        uint32_t from = rng() % i;
        if (graph.precede(from, i).is_ok()) preds[i].push_back(from);
      }
    }
  }
  // Before run k (1-based) every task has run k-1 times; preds must be at k.
  Status run(Executor& ex) {
    ++runs;
    return ex.run(graph);
  }
  TaskGraph graph;
  std::vector<std::atomic<uint32_t>> done;
  std::vector<std::vector<uint32_t>> preds;
  std::atomic<uint64_t> executed{0};
  uint32_t runs = 0;
};

class ExecutorWorkers : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ExecutorWorkers, RunsEveryTaskOnceAfterItsPredecessorsManyTimes) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  CheckedGraph cg(2000, 3, 42);
  for (int r = 0; r < 50; ++r) {
    Status s = cg.run(ex);
    ASSERT_TRUE(s.is_ok()) << s.to_string();
  }
  EXPECT_EQ(cg.executed.load(), 2000u * 50u);
}

TEST_P(ExecutorWorkers, FanOutFanInAndChainShapes) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  std::atomic<int> count{0};
  TaskGraph fan;
  TaskId root = fan.add("root", [&] { count++; }).value();
  TaskId sink = fan.add("sink", [&] { count++; }).value();
  for (int i = 0; i < 1000; ++i) {
    TaskId mid = fan.add("m" + std::to_string(i), [&] { count++; }).value();
    ASSERT_TRUE(fan.precede(root, mid).is_ok());
    ASSERT_TRUE(fan.precede(mid, sink).is_ok());
  }
  ASSERT_TRUE(ex.run(fan).is_ok());
  EXPECT_EQ(count.load(), 1002);

  TaskGraph chain;
  std::vector<int> order;
  TaskId prev = 0;
  for (int i = 0; i < 500; ++i) {
    TaskId t = chain.add("c" + std::to_string(i), [&order, i] { order.push_back(i); }).value();
    if (i > 0) {
      ASSERT_TRUE(chain.precede(prev, t).is_ok());
    }
    prev = t;
  }
  ASSERT_TRUE(ex.run(chain).is_ok());
  ASSERT_EQ(order.size(), 500u);
  for (int i = 0; i < 500; ++i)
    ASSERT_EQ(order[i], i);
}

TEST_P(ExecutorWorkers, ManyRootsAndIndependentTasks) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  std::atomic<int> count{0};
  TaskGraph g;
  for (int i = 0; i < 3000; ++i)
    (void)g.add("r" + std::to_string(i), [&] { count++; });
  ASSERT_TRUE(ex.run(g).is_ok());
  EXPECT_EQ(count.load(), 3000);
}

TEST_P(ExecutorWorkers, FirstFailureIsReturnedAndItsDependentsNeverStart) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  std::atomic<int> after_failure{0};
  TaskGraph g;
  TaskId a = g.add("a", [] {}).value();
  TaskId bad =
      g.add("bad", [] { return Status(Error(ErrorCode::kNotFound, "no such row")); }).value();
  TaskId later = g.add("later", [&] { after_failure++; }).value();
  ASSERT_TRUE(g.precede(a, bad).is_ok());
  ASSERT_TRUE(g.precede(bad, later).is_ok());
  Status s = ex.run(g);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.error().context().node_id, "bad");
  EXPECT_EQ(after_failure.load(), 0);
  // The graph stays usable: the next run fails the same way, not worse.
  EXPECT_FALSE(ex.run(g).is_ok());
}

TEST_P(ExecutorWorkers, ExceptionsBecomeTaskErrors) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  TaskGraph g;
  (void)g.add("thrower", [] { throw std::runtime_error("disk on fire"); });
  Status s = ex.run(g);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kTaskFailed);
  EXPECT_NE(s.error().message().find("disk on fire"), std::string::npos);
  EXPECT_EQ(s.error().context().node_id, "thrower");
}

TEST_P(ExecutorWorkers, ACycleIsReportedBeforeAnythingRuns) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  std::atomic<int> ran{0};
  TaskGraph g;
  TaskId a = g.add("a", [&] { ran++; }).value();
  TaskId b = g.add("b", [&] { ran++; }).value();
  ASSERT_TRUE(g.precede(a, b).is_ok());
  ASSERT_TRUE(g.precede(b, a).is_ok());
  Status s = ex.run(g);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kCycle);
  EXPECT_EQ(ran.load(), 0);
}

TEST_P(ExecutorWorkers, SeveralThreadsRunTheSameGraphAtOnce) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  std::atomic<uint64_t> count{0};
  TaskGraph g;
  TaskId root = g.add("root", [&] { count++; }).value();
  for (int i = 0; i < 64; ++i) {
    TaskId t = g.add("t" + std::to_string(i), [&] { count++; }).value();
    ASSERT_TRUE(g.precede(root, t).is_ok());
  }
  ASSERT_TRUE(g.validate().is_ok());
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int r = 0; r < 300; ++r) {
        if (!ex.run(g).is_ok()) failures++;
      }
    });
  }
  for (auto& t : callers)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count.load(), 4u * 300u * 65u);
}

TEST_P(ExecutorWorkers, ATaskMayRunANestedGraph) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  std::atomic<int> inner_count{0};
  TaskGraph inner;
  for (int i = 0; i < 10; ++i)
    (void)inner.add("i" + std::to_string(i), [&] { inner_count++; });
  TaskGraph outer;
  for (int i = 0; i < 4; ++i) {
    (void)outer.add("o" + std::to_string(i), [&] { return ex.run(inner); });
  }
  // The same inner graph may be run concurrently by the outer tasks.
  Status s = ex.run(outer);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(inner_count.load(), 40);
}

TEST_P(ExecutorWorkers, SubmitReturnsValuesAndExceptionsThroughFutures) {
  Executor ex(ExecutorConfig{.workers = GetParam()});
  std::vector<std::future<int>> results;
  for (int i = 0; i < 100; ++i)
    results.push_back(ex.submit([i] { return i * i; }));
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(results[i].get(), i * i);
  auto failing = ex.submit([]() -> int { throw std::logic_error("bad job"); });
  EXPECT_THROW(failing.get(), std::logic_error);
}

INSTANTIATE_TEST_SUITE_P(Workers, ExecutorWorkers, ::testing::Values(0u, 1u, 3u));

TEST(ExecutorTest, IndependentTasksReallyRunInParallel) {
  Executor ex(ExecutorConfig{.workers = 1});
  // Each task waits until the other has started: only two threads at once
  // can finish this. The wait is bounded so a regression fails, not hangs.
  std::atomic<int> started{0};
  auto meet = [&]() -> Status {
    started++;
    const auto deadline = steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < 2) {
      if (steady_clock::now() > deadline) {
        return Error(ErrorCode::kInternal, "the other task never ran alongside");
      }
    }
    return Status();
  };
  TaskGraph g;
  (void)g.add("left", meet);
  (void)g.add("right", meet);
  Status s = ex.run(g);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
}

// Runs a graph of `tasks` independent tasks that each sleep `sleep`, once to
// learn their cost and then `runs` more times; returns the threads that ran
// tasks in those later runs.
std::set<std::thread::id> threads_running(ExecutorConfig config, int tasks,
                                          std::chrono::microseconds sleep, int runs) {
  Executor ex(config);
  std::mutex mu;
  std::set<std::thread::id> threads;
  bool learning = true;
  TaskGraph g;
  for (int i = 0; i < tasks; ++i) {
    (void)g.add("t" + std::to_string(i), [&] {
      if (sleep.count() > 0) std::this_thread::sleep_for(sleep);
      std::lock_guard lock(mu);
      if (!learning) threads.insert(std::this_thread::get_id());
    });
  }
  EXPECT_TRUE(ex.run(g).is_ok());
  learning = false;
  for (int r = 0; r < runs; ++r)
    EXPECT_TRUE(ex.run(g).is_ok());
  return threads;
}

// "Cheap" and "dear" are relative to share_threshold; thresholds far from the
// tasks' cost keep these tests independent of the machine's (or a
// sanitizer's) speed.
TEST(ExecutorTest, GraphsOfCheapTasksStayOnTheCallingThreadOnceLearnt) {
  const std::set<std::thread::id> caller{std::this_thread::get_id()};
  ExecutorConfig high{.workers = 1, .share_threshold = std::chrono::milliseconds(100)};
  EXPECT_EQ(threads_running(high, 200, std::chrono::microseconds(0), 20), caller);
  EXPECT_EQ(threads_running(high, 8, std::chrono::microseconds(300), 3), caller)
      << "what counts is the threshold, not the absolute cost";
}

TEST(ExecutorTest, GraphsOfDearTasksAreShared) {
  EXPECT_EQ(threads_running({.workers = 1}, 16, std::chrono::milliseconds(2), 4).size(), 2u)
      << "a sleeping task leaves its siblings to the worker";
  ExecutorConfig zero{.workers = 1, .share_threshold = std::chrono::nanoseconds(0)};
  EXPECT_EQ(threads_running(zero, 8, std::chrono::microseconds(300), 3).size(), 2u);
}

TEST(ExecutorTest, RunSaysWhetherItStaysOnTheCallingThread) {
  const std::thread::id caller = std::this_thread::get_id();
  auto run = [&caller](ExecutorConfig config, int runs) {
    Executor ex(config);
    std::atomic<bool> elsewhere{false};
    TaskGraph g;
    for (int i = 0; i < 64; ++i) {
      (void)g.add("t" + std::to_string(i), [&] {
        if (std::this_thread::get_id() != caller) elsewhere = true;
      });
    }
    bool alone = false;
    for (int r = 0; r < runs; ++r) {
      elsewhere = false;
      EXPECT_TRUE(ex.run(g, nullptr, &alone).is_ok());
      if (alone) {
        EXPECT_FALSE(elsewhere.load()) << "alone must mean alone";
      }
    }
    return alone;
  };
  EXPECT_TRUE(run({.workers = 1, .share_threshold = std::chrono::milliseconds(100)}, 5))
      << "cheap tasks, once learnt";
  EXPECT_FALSE(run({.workers = 1, .share_threshold = std::chrono::nanoseconds(0)}, 5));
  EXPECT_TRUE(run({.workers = 0}, 1)) << "no workers: always alone";
}

TEST(ExecutorTest, TasksGetTheirRunsArgumentSoConcurrentRunsKeepTheirOwnState) {
  Executor ex(ExecutorConfig{.workers = 1});
  TaskGraph g;
  TaskId first =
      g.add("first", [](void* arg) { static_cast<std::vector<int>*>(arg)->push_back(1); }).value();
  TaskId second = g.add("second", [](void* arg) -> Status {
                     auto* v = static_cast<std::vector<int>*>(arg);
                     if (v->size() != 1) return Error(ErrorCode::kInternal, "first did not run");
                     v->push_back(2);
                     return Status();
                   }).value();
  ASSERT_TRUE(g.precede(first, second).is_ok());
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int r = 0; r < 200; ++r) {
        std::vector<int> mine;
        if (!ex.run(g, &mine).is_ok() || mine != std::vector<int>{1, 2}) wrong++;
      }
    });
  }
  for (auto& t : callers)
    t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ExecutorTest, DestructorRunsJobsAlreadySubmitted) {
  std::atomic<int> ran{0};
  {
    Executor ex(ExecutorConfig{.workers = 2});
    for (int i = 0; i < 50; ++i)
      (void)ex.submit([&] { ran++; });
  }
  EXPECT_EQ(ran.load(), 50);
}

TEST(ExecutorTest, EmptyGraphSucceeds) {
  Executor ex;
  TaskGraph g;
  EXPECT_TRUE(ex.run(g).is_ok());
}

}  // namespace
}  // namespace core
