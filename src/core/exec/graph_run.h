// core/exec/graph_run.h: the state of one run of a compiled TaskGraph, and the
// loop each participating thread runs on it (internal to core/exec).
//
// Participant 0 is the thread that called Executor::run; workers that come to
// help take the indexes 1..workers. Each participant has its own deque. A task
// that finishes makes its successors ready; the first ready one runs next on
// the same thread with no queue round-trip, the others go to the deque where
// idle participants can steal them. Successors with one predecessor need no
// counter at all; the others count down an atomic. The run is complete when
// every sink (task without successors) has run, which implies all tasks have;
// sinks are counted per participant so completion needs no shared counter.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/exec/task_graph.h"
#include "core/exec/work_deque.h"

namespace core {

class GraphRun {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  explicit GraphRun(const CompiledGraph& graph);

  // Resets the counters and deques for a new run with `participants` threads,
  // whose tasks are called with `run_arg`; `timed` clocks every task (see
  // task_time()). Only while no thread takes part.
  void prepare(uint32_t participants, void* run_arg, bool timed);
  // The time spent inside tasks in a timed run, summed over participants:
  // their cost without the scheduling around them, however many threads ran.
  std::chrono::nanoseconds task_time() const;

  // Runs tasks as participant `p` until the run is complete or failed. The
  // caller (p == 0) starts with `first` and queues `more` (the other roots);
  // helpers pass kNone and nothing.
  void participate(uint32_t p, uint32_t first, std::span<const TaskId> more);

  // The whole run on the calling thread, no other thread involved: a plain
  // stack instead of the deque, plain counters instead of atomic ones.
  void run_alone(uint32_t first, std::span<const TaskId> more);
  // The idle step of participate(): spin, then yield, then sleep.
  static void wait_a_little(uint32_t& idle);

  bool finished() const;
  // OK, or the first task failure.
  Status take_error();

  // Set by the executor: called by participant `p` after it pushed ready
  // tasks, so that the run can be shown to workers and sleeping ones woken.
  using OnPush = void (*)(void* arg, uint32_t p);
  void set_on_push(OnPush on_push, void* arg) {
    on_push_ = on_push;
    on_push_arg_ = arg;
  }

 private:
  struct alignas(64) PerParticipant {
    explicit PerParticipant(uint32_t capacity) : deque(capacity) {}
    WorkDeque deque;
    std::atomic<uint32_t> sinks_done{0};
    std::atomic<int64_t> task_ns{0};  // time inside tasks, on timed runs
  };

  // Runs `id` and returns the successor to run next on this thread, or kNone.
  // Shared: other ready successors go to p's deque; alone: to local_.
  template <bool kShared>
  uint32_t execute(uint32_t p, uint32_t id);
  bool find_work(uint32_t p, uint32_t& id);
  // Runs task `id` and adds the time it took to p's task_ns (timed runs).
  [[gnu::noinline]] Status run_timed(uint32_t p, uint32_t id);
  void fail(Status status, uint32_t id);

  const CompiledGraph& g_;
  uint32_t participants_ = 0;
  // Packed, not padded: runs of cheap tasks stay on one thread (see
  // Executor), where a compact array is what matters; tasks worth sharing
  // cost far more than a contended cache line.
  std::unique_ptr<std::atomic<uint32_t>[]> pending_;
  std::vector<std::unique_ptr<PerParticipant>> per_;
  std::vector<uint32_t> local_;  // run_alone's ready tasks
  void* run_arg_ = nullptr;
  bool timed_ = false;
  std::atomic<bool> failed_{false};
  std::mutex error_mu_;
  Status error_;
  OnPush on_push_ = nullptr;
  void* on_push_arg_ = nullptr;
};

}  // namespace core
