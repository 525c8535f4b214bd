// core/exec/task_graph.h: a graph of tasks, built once and run many times.
//
//   TaskGraph g;
//   TaskId load = g.add("load", [&] { return read_input(); }).value();  // -> Status
//   TaskId sum  = g.add("sum",  [&] { total = a + b; }).value();        // -> void
//   g.precede(load, sum).throw_if_error();
//   executor.run(g);                                            // Status
//
// A task returns core::Status or void; a thrown exception counts as a failure
// (kTaskFailed). Task names are unique (they are the ids of the underlying
// core::Dag, which checks every edge and finds cycles) and appear in errors;
// add() returns a dense TaskId for precede(). The graph is compiled into flat
// arrays on its
// first run (and again after it changes); it must not change while running,
// but several threads may run the same graph at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/dag/dag.h"
#include "core/error.h"
#include "core/memory/object_pool.h"

namespace core {

class GraphRun;
class Executor;

using TaskId = uint32_t;
// What a task is once added: called with the run's argument (see add()).
using TaskFn = std::function<Status(void* run_arg)>;

// The run-time form of a TaskGraph: successors in one array (CSR), so running
// a task touches a few contiguous cache lines.
struct CompiledGraph {
  std::vector<TaskFn> tasks;
  std::vector<std::string> names;
  std::vector<uint32_t> succ_begin;  // size n + 1
  std::vector<TaskId> succ;
  std::vector<uint32_t> in_degree;
  std::vector<TaskId> roots;
  uint32_t sink_count = 0;
  // What a task of this graph costs, learnt from its runs (CPU ns per task,
  // kUnknownCost before the first run); the executor shares a run with its
  // workers only when tasks are worth it.
  static constexpr uint32_t kUnknownCost = UINT32_MAX;
  mutable std::atomic<uint32_t> ns_per_task{kUnknownCost};
  mutable std::atomic<uint32_t> cost_sample_countdown{0};  // runs until the next timed one
};

class TaskGraph {
 public:
  TaskGraph();
  ~TaskGraph();
  TaskGraph(const TaskGraph&) = delete;
  TaskGraph& operator=(const TaskGraph&) = delete;

  // Adds a task: a callable returning void or Status, taking nothing or the
  // `void*` run argument that Executor::run passes to every task of a run (so
  // one graph, built once, can serve concurrent runs that each have their own
  // state). kAlreadyExists if the name is taken, kInvalidArgument if empty.
  template <class Fn>
  Result<TaskId> add(std::string_view name, Fn&& fn) {
    if constexpr (std::is_invocable_v<Fn&, void*>) {
      return add_task(name, as_status_task<void*>(std::forward<Fn>(fn)));
    } else {
      return add_task(name, as_status_task<>(std::forward<Fn>(fn)));
    }
  }

  // `before` must finish before `after` starts. kNotFound for an unknown id,
  // kInvalidArgument for a self-loop, kAlreadyExists for a repeated edge.
  Status precede(TaskId before, TaskId after);

  size_t size() const { return tasks_.size(); }
  std::string_view name(TaskId id) const { return dag_.id_of(id); }

  // Compiles if needed; kCycle ("Cycle detected: a -> b -> a") if the edges
  // form one. Runs call this themselves.
  Status validate() { return compiled().status(); }

 private:
  friend class Executor;

  // Adapts fn(Args...) returning void or Status to a TaskFn.
  template <class... Args, class Fn>
  static TaskFn as_status_task(Fn&& fn) {
    using R = std::invoke_result_t<Fn&, Args...>;
    static_assert(std::is_void_v<R> || std::is_same_v<R, Status>,
                  "a task returns void or core::Status");
    return [f = std::forward<Fn>(fn)]([[maybe_unused]] void* run_arg) mutable -> Status {
      if constexpr (std::is_void_v<R>) {
        f(static_cast<Args>(run_arg)...);
        return Status();
      } else {
        return f(static_cast<Args>(run_arg)...);
      }
    };
  }

  Result<TaskId> add_task(std::string_view name, TaskFn task);
  // Drops the compiled form after a change.
  void invalidate();
  // The compiled form; compiles on first use after a change.
  Result<const CompiledGraph*> compiled();
  // Per-run scratch sized for the compiled form, reused across runs.
  Pooled<GraphRun> acquire_run();

  Dag dag_;
  std::vector<TaskFn> tasks_;
  std::mutex compile_mu_;
  std::atomic<const CompiledGraph*> ready_{nullptr};  // compiled_, once complete
  std::unique_ptr<CompiledGraph> compiled_;
  std::unique_ptr<ObjectPool<GraphRun>> runs_;
};

}  // namespace core
