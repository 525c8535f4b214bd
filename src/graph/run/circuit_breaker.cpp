#include "graph/run/circuit_breaker.h"

namespace graph {

CircuitBreaker::CircuitBreaker(uint32_t failure_threshold,
                               std::chrono::milliseconds recovery_timeout)
    : failure_threshold_(failure_threshold), recovery_timeout_(recovery_timeout) {}

CircuitBreaker::Ticket CircuitBreaker::admit(Clock::time_point now) {
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kClosed:
      return Ticket{Admission::kRun, generation_};
    case State::kOpen:
      if (now - opened_at_ < recovery_timeout_) return Ticket{Admission::kRefuse, generation_};
      state_ = State::kHalfOpen;
      return Ticket{Admission::kProbe, ++generation_};
    case State::kHalfOpen:
      return Ticket{Admission::kRefuse, generation_};  // the probe is still out
  }
  return Ticket{Admission::kRefuse, generation_};
}

void CircuitBreaker::record(Ticket ticket, bool succeeded, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (ticket.admission == Admission::kRefuse || ticket.generation != generation_) return;
  if (ticket.admission == Admission::kProbe) {
    ++generation_;
    if (succeeded) {
      state_ = State::kClosed;
      failures_ = 0;
    } else {
      state_ = State::kOpen;
      opened_at_ = now;
      ++failures_;
    }
    return;
  }
  if (succeeded) {
    failures_ = 0;
  } else if (++failures_ >= failure_threshold_) {
    state_ = State::kOpen;
    opened_at_ = now;
    ++generation_;
  }
}

CircuitBreaker::Snapshot CircuitBreaker::snapshot() const {
  std::lock_guard lock(mu_);
  return Snapshot{state_, failures_, opened_at_ + recovery_timeout_};
}

const char* circuit_state_name(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed:
      return "closed";
    case CircuitBreaker::State::kOpen:
      return "open";
    case CircuitBreaker::State::kHalfOpen:
      return "half_open";
  }
  return "unknown";
}

}  // namespace graph
