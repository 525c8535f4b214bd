#include "core/exec/executor.h"

#include <algorithm>

#include "core/exec/graph_run.h"
#include "core/thread/spin.h"

namespace core {

uint32_t ExecutorConfig::default_workers() {
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 1 ? hw - 1 : 0;
}

Executor::Executor(ExecutorConfig config) : config_(config) {
  workers_.reserve(config_.workers);
  for (uint32_t i = 0; i < config_.workers; ++i) {
    workers_.emplace_back([this, i] { worker_loop(i); });
  }
}

Executor::~Executor() {
  stopping_.store(true, std::memory_order_seq_cst);
  wake_epoch_.fetch_add(1, std::memory_order_seq_cst);
  wake_epoch_.notify_all();
  for (auto& w : workers_)
    w.join();
}

Status Executor::run(TaskGraph& graph, void* run_arg, bool* alone) {
  if (alone != nullptr) *alone = true;
  Result<const CompiledGraph*> compiled = graph.compiled();
  if (!compiled.is_ok()) return compiled.status();
  const CompiledGraph& g = *compiled.value();
  if (g.tasks.empty()) return Status();

  // Timing costs two clock reads per task, as much as a cheap task; every
  // kCostSampleEvery-th run (and the first) is enough to follow the cost.
  const uint32_t countdown = g.cost_sample_countdown.load(std::memory_order_relaxed);
  const bool sample = countdown == 0;
  g.cost_sample_countdown.store(sample ? kCostSampleEvery - 1 : countdown - 1,
                                std::memory_order_relaxed);
  Pooled<GraphRun> run = graph.acquire_run();
  run->prepare(worker_count() + 1, run_arg, sample);
  const uint32_t cost = g.ns_per_task.load(std::memory_order_relaxed);
  const bool share = worker_count() > 0 && (cost == CompiledGraph::kUnknownCost ||
                                            cost >= config_.share_threshold.count());
  if (alone != nullptr) *alone = !share;
  // The run is published lazily: a graph that never has two ready tasks at
  // once (a chain, a single task) never involves another thread. Only this
  // thread (participant 0) publishes; `pub` is its own.
  struct Publication {
    Executor* self;
    GraphRun* run;
    uint32_t slot = kMaxActiveRuns;
    bool tried = false;
  } pub{this, run.get()};
  if (share) {
    run->set_on_push(
        [](void* arg, uint32_t participant) {
          auto* pub = static_cast<Publication*>(arg);
          if (participant == 0 && !pub->tried) {
            pub->tried = true;  // all slots taken: run alone, do not retry
            pub->slot = pub->self->publish(pub->run);
          }
          on_push(pub->self);
        },
        &pub);
  } else {
    run->set_on_push(nullptr, nullptr);
  }

  // Roots: the first runs here, the rest wait in this thread's deque.
  const std::span<const TaskId> other_roots = std::span<const TaskId>(g.roots).subspan(1);
  if (share) {
    run->participate(0, g.roots.front(), other_roots);
  } else {
    run->run_alone(g.roots.front(), other_roots);
  }
  if (pub.slot < kMaxActiveRuns) unpublish(pub.slot);
  if (sample) learn_cost(g, run->task_time());
  return run->take_error();
}

void Executor::learn_cost(const CompiledGraph& g, std::chrono::nanoseconds task_time) const {
  // Time inside the tasks only: sharing a run must not make its tasks look
  // dearer (which would keep a cheap graph shared for ever).
  const auto per_task = static_cast<uint64_t>(task_time.count()) / g.tasks.size();
  const uint32_t old = g.ns_per_task.load(std::memory_order_relaxed);
  const uint64_t blended = old == CompiledGraph::kUnknownCost ? per_task : (3 * old + per_task) / 4;
  g.ns_per_task.store(static_cast<uint32_t>(std::min<uint64_t>(blended, UINT32_MAX - 1)),
                      std::memory_order_relaxed);
}

uint32_t Executor::publish(GraphRun* run) {
  for (uint32_t i = 0; i < kMaxActiveRuns; ++i) {
    GraphRun* expected = nullptr;
    if (runs_[i].compare_exchange_strong(expected, run, std::memory_order_seq_cst)) return i;
  }
  return kMaxActiveRuns;
}

void Executor::unpublish(uint32_t slot) {
  runs_[slot].store(nullptr, std::memory_order_seq_cst);
  // A worker that read the pointer before it was cleared may still be inside
  // the run; it counted itself in run_users_ before reading.
  while (run_users_[slot].load(std::memory_order_acquire) != 0)
    cpu_relax();
}

void Executor::on_push(void* self) {
  auto* ex = static_cast<Executor*>(self);
  if (ex->sleepers_.load(std::memory_order_relaxed) != 0) ex->wake_workers();
}

void Executor::wake_workers() {
  wake_epoch_.fetch_add(1, std::memory_order_seq_cst);
  wake_epoch_.notify_all();
}

void Executor::post(std::function<void()> job) {
  if (workers_.empty()) {
    job();
    return;
  }
  {
    std::lock_guard lock(jobs_mu_);
    jobs_.push_back(std::move(job));
  }
  job_count_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) != 0) wake_workers();
}

bool Executor::run_one_job() {
  if (job_count_.load(std::memory_order_relaxed) == 0) return false;
  std::function<void()> job;
  {
    std::lock_guard lock(jobs_mu_);
    if (jobs_.empty()) return false;
    job = std::move(jobs_.front());
    jobs_.pop_front();
  }
  job_count_.fetch_sub(1, std::memory_order_relaxed);
  job();  // a packaged_task: its exceptions land in the future
  return true;
}

bool Executor::help_a_run(uint32_t index) {
  bool helped = false;
  for (uint32_t i = 0; i < kMaxActiveRuns; ++i) {
    if (runs_[i].load(std::memory_order_relaxed) == nullptr) continue;
    run_users_[i].fetch_add(1, std::memory_order_seq_cst);
    GraphRun* run = runs_[i].load(std::memory_order_seq_cst);
    if (run != nullptr && !run->finished()) {
      run->participate(index + 1, GraphRun::kNone, {});
      helped = true;
    }
    run_users_[i].fetch_sub(1, std::memory_order_release);
  }
  return helped;
}

bool Executor::has_work() const {
  if (job_count_.load(std::memory_order_seq_cst) != 0) return true;
  for (const auto& r : runs_) {
    if (r.load(std::memory_order_seq_cst) != nullptr) return true;
  }
  return false;
}

void Executor::worker_loop(uint32_t index) {
  auto last_work = std::chrono::steady_clock::now();
  uint32_t idle_rounds = 0;
  while (!stopping_.load(std::memory_order_relaxed)) {
    if (run_one_job() || help_a_run(index)) {
      idle_rounds = 0;
      last_work = std::chrono::steady_clock::now();
      continue;
    }
    // Reading the clock costs more than a pause; look at it now and then.
    if (++idle_rounds % 64 != 0 || std::chrono::steady_clock::now() - last_work < config_.spin) {
      cpu_relax();
      continue;
    }
    const uint32_t epoch = wake_epoch_.load(std::memory_order_seq_cst);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    if (!has_work() && !stopping_.load(std::memory_order_seq_cst)) {
      wake_epoch_.wait(epoch, std::memory_order_seq_cst);
    }
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    last_work = std::chrono::steady_clock::now();
  }
  // Jobs posted before the destructor still run.
  while (run_one_job()) {
  }
}

}  // namespace core
