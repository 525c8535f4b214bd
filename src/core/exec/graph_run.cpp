#include "core/exec/graph_run.h"

#include <chrono>
#include <exception>
#include <thread>

#include "core/thread/spin.h"

namespace core {

GraphRun::GraphRun(const CompiledGraph& graph)
    : g_(graph), pending_(new std::atomic<uint32_t>[graph.tasks.size()]) {
  local_.reserve(graph.tasks.size());
}

void GraphRun::prepare(uint32_t participants, void* run_arg, bool timed) {
  run_arg_ = run_arg;
  timed_ = timed;
  const auto n = static_cast<uint32_t>(g_.tasks.size());
  while (per_.size() < participants)
    per_.push_back(std::make_unique<PerParticipant>(n));
  participants_ = participants;
  for (uint32_t i = 0; i < n; ++i) {
    if (g_.in_degree[i] > 1) pending_[i].store(g_.in_degree[i], std::memory_order_relaxed);
  }
  for (uint32_t p = 0; p < participants; ++p) {
    per_[p]->deque.reset();
    per_[p]->sinks_done.store(0, std::memory_order_relaxed);
    per_[p]->task_ns.store(0, std::memory_order_relaxed);
  }
  failed_.store(false, std::memory_order_relaxed);
  error_ = Status();
}

std::chrono::nanoseconds GraphRun::task_time() const {
  int64_t total = 0;
  for (uint32_t p = 0; p < participants_; ++p) {
    total += per_[p]->task_ns.load(std::memory_order_relaxed);
  }
  return std::chrono::nanoseconds(total);
}

bool GraphRun::finished() const {
  if (failed_.load(std::memory_order_acquire)) return true;
  uint32_t done = 0;
  for (uint32_t p = 0; p < participants_; ++p) {
    done += per_[p]->sinks_done.load(std::memory_order_acquire);
  }
  return done == g_.sink_count;
}

Status GraphRun::take_error() {
  return std::move(error_);
}

void GraphRun::fail(Status status, uint32_t id) {
  std::lock_guard lock(error_mu_);
  if (!failed_.load(std::memory_order_relaxed)) {
    Error e = status.error();
    if (e.context().node_id.empty()) e.with_node(g_.names[id]);
    error_ = std::move(e);
    failed_.store(true, std::memory_order_release);
  }
}

Status GraphRun::run_timed(uint32_t p, uint32_t id) {
  const auto start = std::chrono::steady_clock::now();
  Status s = g_.tasks[id](run_arg_);
  auto& ns = per_[p]->task_ns;
  ns.store(ns.load(std::memory_order_relaxed) + (std::chrono::steady_clock::now() - start).count(),
           std::memory_order_relaxed);
  return s;
}

template <bool kShared>
uint32_t GraphRun::execute(uint32_t p, uint32_t id) {
  // Cancelled: what has not started does not start.
  if (failed_.load(std::memory_order_relaxed)) return kNone;
  try {
    Status s = timed_ ? run_timed(p, id) : g_.tasks[id](run_arg_);
    if (!s.is_ok()) [[unlikely]] {
      fail(std::move(s), id);
      return kNone;
    }
  } catch (const std::exception& e) {
    fail(Error(ErrorCode::kTaskFailed, std::string("task threw: ") + e.what()), id);
    return kNone;
  } catch (...) {
    fail(Error(ErrorCode::kTaskFailed, "task threw a non-standard exception"), id);
    return kNone;
  }
  const uint32_t begin = g_.succ_begin[id];
  const uint32_t end = g_.succ_begin[id + 1];
  if constexpr (kShared) {
    if (begin == end) {
      auto& done = per_[p]->sinks_done;
      done.store(done.load(std::memory_order_relaxed) + 1, std::memory_order_release);
      return kNone;
    }
  }
  uint32_t next = kNone;
  bool pushed = false;
  for (uint32_t i = begin; i < end; ++i) {
    const TaskId s = g_.succ[i];
    if (g_.in_degree[s] > 1) {
      if constexpr (kShared) {
        if (pending_[s].fetch_sub(1, std::memory_order_acq_rel) != 1) continue;
      } else {
        // One thread: no read-modify-write needed.
        const uint32_t left = pending_[s].load(std::memory_order_relaxed) - 1;
        pending_[s].store(left, std::memory_order_relaxed);
        if (left != 0) continue;
      }
    }
    if (next == kNone) {
      next = s;
    } else if constexpr (kShared) {
      per_[p]->deque.push(s);
      pushed = true;
    } else {
      local_.push_back(s);
    }
  }
  if (pushed && on_push_ != nullptr) on_push_(on_push_arg_, p);
  return next;
}

bool GraphRun::find_work(uint32_t p, uint32_t& id) {
  if (per_[p]->deque.pop(id)) return true;
  for (uint32_t i = 1; i < participants_; ++i) {
    const uint32_t victim = (p + i) % participants_;
    if (per_[victim]->deque.steal(id)) return true;
  }
  return false;
}

void GraphRun::participate(uint32_t p, uint32_t first, std::span<const TaskId> more) {
  for (TaskId id : more)
    per_[p]->deque.push(id);
  if (!more.empty() && on_push_ != nullptr) on_push_(on_push_arg_, p);
  uint32_t id = first;
  for (uint32_t idle = 0;;) {
    while (id != kNone)
      id = execute<true>(p, id);
    if (find_work(p, id)) {
      idle = 0;
      continue;
    }
    if (finished()) return;
    wait_a_little(idle);
  }
}

void GraphRun::wait_a_little(uint32_t& idle) {
  // Spin first: new work usually comes within microseconds. A participant
  // left waiting for long is waiting on a long task (a query, a RetryNode's
  // delay): it yields, then sleeps in 50 us steps rather than burn its core.
  constexpr uint32_t kSpins = 4096, kYields = 8192;
  if (++idle < kSpins) {
    cpu_relax();
  } else if (idle < kYields) {
    std::this_thread::yield();
  } else {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

void GraphRun::run_alone(uint32_t first, std::span<const TaskId> more) {
  local_.assign(more.begin(), more.end());
  uint32_t id = first;
  for (;;) {
    while (id != kNone)
      id = execute<false>(0, id);
    if (local_.empty()) return;
    id = local_.back();
    local_.pop_back();
  }
}

}  // namespace core
