// The node kinds that guard a body against failure: TryCatchNode, RetryNode
// and CircuitBreakerNode.
//
// A guarded body runs over a copy of the run's Context; when it succeeds,
// the keys it passes out (model/writes.h: what its nodes `set` or map out)
// are copied back. Copying makes a failed attempt leave nothing behind, so a
// retry or a catch starts from the Context the node started from.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>

#include "graph/graph_error.h"
#include "graph/run/compiled_graph.h"
#include "graph/run/node_support.h"

namespace graph {
namespace {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::duration<double, std::milli>;

// A delay this long is already far past any sensible timeout; capping it
// keeps initial_delay_ms * multiplier^k from overflowing a duration.
constexpr double kMaxDelayMs = 24.0 * 3600 * 1000;

// `ms` randomised to between half and one and a half of itself.
Millis jittered(double ms) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  return Millis(ms * std::uniform_real_distribution<double>(0.5, 1.5)(rng));
}

std::string ms_text(Clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

// "E003 division by zero": the last failure, for the message of a node that
// gave up.
std::string brief(const core::Error& e) {
  return (e.tag().empty() ? std::string(core::error_code_name(e.code())) : e.tag()) + " " +
         e.message();
}

}  // namespace

core::Status CompiledGraph::run_guarded(RunState& state, CompiledGraph& body,
                                        const Json* error) const {
  core::Pooled<Context> context = body.contexts().acquire();
  {
    auto lock = state.read_lock();
    *context = *state.context;
  }
  if (error != nullptr) context->set("error", *error);
  std::vector<NodeStats> stats;
  if (core::Status s = body.run(*context, *state.executor, stats, false); !s.is_ok()) return s;
  // A key the body did not set this time goes back unchanged: no node that
  // may run alongside this one writes it (validate.h), so nothing is lost.
  auto lock = state.write_lock();
  for (const std::string& key : body.passed_out()) {
    if (const Json* value = context->find(key)) state.context->set(key, *value);
  }
  return core::Status();
}

core::Status CompiledGraph::execute_try_catch(RunState& state, const CompiledNode& node) const {
  core::Status tried = run_guarded(state, *node.child, nullptr);
  Json result{{"ok", tried.is_ok()}};
  if (!tried.is_ok()) {
    const Json error = error_json(tried.error());
    if (node.fallback) {
      if (core::Status s = run_guarded(state, *node.fallback, &error); !s.is_ok()) return s;
    }
    result["error"] = error;
  }
  auto lock = state.write_lock();
  state.context->set(node.result_slot, std::move(result));
  return core::Status();
}

core::Status CompiledGraph::run_retried_node(RunState& state, uint32_t index) const {
  const CompiledNode& node = nodes_[index];
  const uint64_t begin = core::TickClock::now();
  core::Status status = execute(state, index);
  NodeStats& stats = state.stats[index];
  if (state.time_nodes) state.record(stats, begin);
  stats.status = status.is_ok() ? NodeStatus::kExecuted : NodeStatus::kFailed;
  if (status.is_ok()) return status;
  return at(status.error(), node.spec->pos, node.spec->id);
}

core::Status CompiledGraph::execute_retry(RunState& state, const CompiledNode& node) const {
  const auto& fields = std::get<RetryFields>(node.spec->fields);
  const auto begin = Clock::now();
  double delay_ms = std::min<double>(fields.initial_delay_ms, kMaxDelayMs);
  for (uint64_t attempt = 1;; ++attempt) {  // 64 bits: max_retries may be UINT32_MAX
    core::Status status = node.retried ? run_retried_node(state, *node.retried)
                                       : run_guarded(state, *node.child, nullptr);
    if (status.is_ok()) {
      auto lock = state.write_lock();
      state.context->set(node.result_slot, Json{{"attempts", attempt}});
      return status;
    }
    const core::Error& last = status.error();
    if (attempt > fields.max_retries) {
      core::Error e = graph_error(GraphErrorCode::kNodeExecution,
                                  "gave up after " + std::to_string(attempt) +
                                      " attempts; the last failed with " + brief(last));
      return e.with_suggestion("fix the cause, or raise max_retries if it is transient");
    }
    const Millis wait = fields.jitter ? jittered(delay_ms) : Millis(delay_ms);
    const auto wake = Clock::now() + std::chrono::duration_cast<Clock::duration>(wait);
    const std::optional<uint32_t> limit = node.spec->timeout_ms;
    const bool past_node =
        limit && wake - begin > std::chrono::milliseconds(*limit);  // checked before sleeping
    if (past_node || (state.deadline && wake > *state.deadline)) {
      core::Error e = graph_error(GraphErrorCode::kTimeout,
                                  "attempt " + std::to_string(attempt) + " failed with " +
                                      brief(last) + ", and waiting " +
                                      ms_text(wake - Clock::now()) + " to retry would pass " +
                                      (past_node ? "the node's" : "the run's") + " timeout_ms");
      return e.with_suggestion("lower initial_delay_ms or max_retries, or raise timeout_ms");
    }
    std::this_thread::sleep_for(wait);
    delay_ms = std::min(delay_ms * fields.backoff_multiplier, kMaxDelayMs);
  }
}

core::Status CompiledGraph::execute_circuit_breaker(RunState& state,
                                                    const CompiledNode& node) const {
  CircuitBreaker& breaker = *node.breaker;
  const CircuitBreaker::Ticket ticket = breaker.admit(Clock::now());
  if (ticket.admission == CircuitBreaker::Admission::kRefuse) {
    const CircuitBreaker::Snapshot now = breaker.snapshot();
    const std::string why =
        now.state == CircuitBreaker::State::kHalfOpen
            ? "a probe call is under way"
            : "the next call is let through in " +
                  ms_text(std::max(Clock::duration(0), now.retry_at - Clock::now()));
    core::Error e =
        graph_error(GraphErrorCode::kNodeExecution,
                    "circuit open after " + std::to_string(now.consecutive_failures) +
                        " consecutive failures of its body; failing fast (" + why + ")");
    return e.with_suggestion(
        "the body keeps failing: fix its cause, or wait recovery_timeout_ms for a probe");
  }
  // Whatever happens to the call, even an exception, the breaker hears of it:
  // a probe never heard of would leave the circuit half-open for good.
  struct Outcome {
    CircuitBreaker& breaker;
    CircuitBreaker::Ticket ticket;
    bool succeeded = false;
    ~Outcome() { breaker.record(ticket, succeeded, Clock::now()); }
  } outcome{breaker, ticket};
  core::Status status = run_guarded(state, *node.child, nullptr);
  if (!status.is_ok()) return status;
  outcome.succeeded = true;
  auto lock = state.write_lock();
  state.context->set(
      node.result_slot,
      Json{{"state", "closed"}, {"probe", ticket.admission == CircuitBreaker::Admission::kProbe}});
  return core::Status();
}

}  // namespace graph
