#include "core/exec/task_graph.h"

#include "core/exec/graph_run.h"

namespace core {

TaskGraph::TaskGraph() = default;
TaskGraph::~TaskGraph() = default;

Result<TaskId> TaskGraph::add_task(std::string_view name, TaskFn task) {
  if (Status s = dag_.add_node(name); !s.is_ok()) return s.error();
  invalidate();
  tasks_.push_back(std::move(task));
  // TaskGraph never removes nodes, so Dag indices stay dense and equal to the
  // position in tasks_.
  return static_cast<TaskId>(tasks_.size() - 1);
}

Status TaskGraph::precede(TaskId before, TaskId after) {
  for (TaskId id : {before, after}) {
    if (id >= tasks_.size()) {
      return Error(ErrorCode::kNotFound, "unknown task id " + std::to_string(id) + " (graph has " +
                                             std::to_string(tasks_.size()) + " tasks)");
    }
  }
  if (Status s = dag_.add_edge(dag_.id_of(before), dag_.id_of(after)); !s.is_ok()) return s;
  invalidate();
  return Status();
}

void TaskGraph::invalidate() {
  ready_.store(nullptr, std::memory_order_relaxed);
  runs_.reset();
  compiled_.reset();
}

Result<const CompiledGraph*> TaskGraph::compiled() {
  if (const CompiledGraph* g = ready_.load(std::memory_order_acquire)) return g;
  std::lock_guard lock(compile_mu_);
  if (const CompiledGraph* g = ready_.load(std::memory_order_acquire)) return g;
  // Kahn's order both proves the graph acyclic and, on a cycle, names it.
  if (Result<std::vector<Dag::NodeIndex>> order = dag_.topological_indices(); !order.is_ok()) {
    return order.error();
  }
  auto g = std::make_unique<CompiledGraph>();
  const auto n = static_cast<uint32_t>(tasks_.size());
  g->tasks = tasks_;
  g->names.reserve(n);
  g->succ_begin.reserve(n + 1);
  g->in_degree.resize(n);
  for (TaskId id = 0; id < n; ++id) {
    g->names.emplace_back(dag_.id_of(id));
    g->succ_begin.push_back(static_cast<uint32_t>(g->succ.size()));
    std::span<const Dag::NodeIndex> out = dag_.successor_indices(id);
    g->succ.insert(g->succ.end(), out.begin(), out.end());
    g->in_degree[id] = static_cast<uint32_t>(dag_.predecessor_indices(id).size());
    if (g->in_degree[id] == 0) g->roots.push_back(id);
    if (out.empty()) ++g->sink_count;
  }
  g->succ_begin.push_back(static_cast<uint32_t>(g->succ.size()));
  const CompiledGraph* ready = g.get();
  runs_ = std::make_unique<ObjectPool<GraphRun>>(
      PoolConfig{.max_pooled = 64, .thread_cache = 4},
      [ready] { return std::make_unique<GraphRun>(*ready); });
  compiled_ = std::move(g);
  ready_.store(ready, std::memory_order_release);
  return ready;
}

Pooled<GraphRun> TaskGraph::acquire_run() {
  return runs_->acquire();
}

}  // namespace core
