// graph/run/circuit_breaker.h: the state machine behind CircuitBreakerNode.
//
//   closed     calls run; `failure_threshold` consecutive failures open it.
//   open       calls are refused (fail fast) until `recovery_timeout` has
//              passed since it opened; the next call then becomes the probe.
//   half-open  one probe runs while every other call is still refused; its
//              success closes the circuit, its failure opens it again for
//              another recovery_timeout.
//
// One breaker serves every run of its compiled graph, from any thread, so
// its state outlives a run and is guarded by a mutex (taken twice per call,
// around a body that is itself a graph run). The time is passed in, so the
// transitions can be tested without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace graph {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State : uint8_t { kClosed, kOpen, kHalfOpen };
  enum class Admission : uint8_t { kRun, kProbe, kRefuse };

  CircuitBreaker(uint32_t failure_threshold, std::chrono::milliseconds recovery_timeout);

  // Whether a call starting at `now` may run, and as what; `generation`
  // names the circuit's state at that moment.
  struct Ticket {
    Admission admission = Admission::kRefuse;
    uint64_t generation = 0;
  };
  Ticket admit(Clock::time_point now);
  // The outcome of a call that admit() let run (kRun or kProbe). A call
  // admitted before the circuit last changed state (it opened, or a probe
  // closed it) changes nothing: it speaks of a past the state has left.
  void record(Ticket ticket, bool succeeded, Clock::time_point now);

  struct Snapshot {
    State state = State::kClosed;
    uint32_t consecutive_failures = 0;
    Clock::time_point retry_at;  // when an open circuit admits its probe
  };
  Snapshot snapshot() const;

 private:
  const uint32_t failure_threshold_;
  const std::chrono::milliseconds recovery_timeout_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;
  uint64_t generation_ = 0;  // + 1 at every change of state
  uint32_t failures_ = 0;
  Clock::time_point opened_at_;
};

// "closed", "open", "half_open".
const char* circuit_state_name(CircuitBreaker::State state);

}  // namespace graph
