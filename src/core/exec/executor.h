// core/exec/executor.h: the thread pool; runs task graphs and single jobs.
//
//   Executor ex;                      // hardware threads - 1 workers + the caller
//   Status s = ex.run(graph);         // blocks; the calling thread takes part
//   auto f = ex.submit([] { return 42; });   // std::future<int>
//
// run() starts on the calling thread at once. A finished task's first ready
// successor runs next on the same thread with no queue round-trip; other
// ready tasks wait in that thread's deque, from which workers steal. Stealing
// and the shared counters it implies cost ~100 ns a task, so sharing only
// pays for tasks dearer than that: each graph learns its tasks' average cost
// by clocking the tasks of one run in 16, and a graph of cheap tasks (under share_threshold) runs
// on the calling thread alone. The first run of a graph, and every run of a graph of dear tasks, is
// shared as soon as it has two ready tasks. Workers busy-wait for a while after their last piece of
// work (waking a sleeping thread costs tens of microseconds), then sleep until a run or job needs
// them. The first task failure cancels the tasks that have not started and run() returns that
// error. Several threads may call run() at once (on the same or different graphs), and a task may
// itself call run() for a nested graph.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/exec/task_graph.h"

namespace core {

struct ExecutorConfig {
  // Threads besides the caller. Default: hardware threads - 1.
  uint32_t workers = default_workers();
  // How long an idle worker busy-waits before it sleeps.
  std::chrono::microseconds spin = std::chrono::microseconds(200);
  // Graphs whose tasks cost less than this on average run on the calling
  // thread alone; 0 shares every run.
  std::chrono::nanoseconds share_threshold = std::chrono::nanoseconds(1000);

  static uint32_t default_workers();
};

class Executor {
 public:
  explicit Executor(ExecutorConfig config = {});
  ~Executor();  // waits for submitted jobs, then stops the workers
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs every task of `graph` respecting its edges; tasks that take a
  // `void*` get `run_arg`. kCycle if the graph has one; the first failing
  // task's error (with its name as node id) otherwise. When `alone` is given
  // it is set before the first task starts: true when every task of this run
  // will run on the calling thread, so that state only the run's tasks share
  // needs no lock.
  Status run(TaskGraph& graph, void* run_arg = nullptr, bool* alone = nullptr);

  // Runs fn on a worker (on the caller, at once, when there are no workers).
  template <class Fn>
  auto submit(Fn&& fn) -> std::future<std::invoke_result_t<Fn&>> {
    using R = std::invoke_result_t<Fn&>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<Fn>(fn));
    std::future<R> result = task->get_future();
    post([task] { (*task)(); });
    return result;
  }

  uint32_t worker_count() const { return static_cast<uint32_t>(workers_.size()); }

 private:
  static constexpr uint32_t kMaxActiveRuns = 32;
  static constexpr uint32_t kCostSampleEvery = 16;

  void post(std::function<void()> job);
  void worker_loop(uint32_t index);
  bool run_one_job();
  bool help_a_run(uint32_t index);
  bool has_work() const;
  void wake_workers();
  static void on_push(void* self);
  // Shows `run` to the workers; returns its slot or kMaxActiveRuns if all slots
  // are taken (the caller then simply runs it alone).
  uint32_t publish(GraphRun* run);
  void unpublish(uint32_t slot);
  // Updates the graph's task cost estimate after a timed run.
  void learn_cost(const CompiledGraph& g, std::chrono::nanoseconds task_time) const;

  const ExecutorConfig config_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};

  alignas(64) std::atomic<uint32_t> sleepers_{0};
  std::atomic<uint32_t> wake_epoch_{0};

  alignas(64) std::atomic<GraphRun*> runs_[kMaxActiveRuns]{};
  // Workers that may hold the pointer in runs_[i]; unpublish waits for zero.
  std::atomic<uint32_t> run_users_[kMaxActiveRuns]{};

  alignas(64) std::mutex jobs_mu_;
  std::deque<std::function<void()>> jobs_;
  std::atomic<uint32_t> job_count_{0};
};

}  // namespace core
