#include "graph/run/circuit_breaker.h"

namespace graph {

CircuitBreaker::CircuitBreaker(uint32_t failure_threshold,
                               std::chrono::milliseconds recovery_timeout)
    : failure_threshold_(failure_threshold), recovery_timeout_(recovery_timeout) {}

CircuitBreaker::Admission CircuitBreaker::admit(Clock::time_point now) {
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kClosed:
      return Admission::kRun;
    case State::kOpen:
      if (now - opened_at_ < recovery_timeout_) return Admission::kRefuse;
      state_ = State::kHalfOpen;
      return Admission::kProbe;
    case State::kHalfOpen:
      return Admission::kRefuse;  // the probe is still out
  }
  return Admission::kRefuse;
}

void CircuitBreaker::record(Admission admitted, bool succeeded, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (admitted == Admission::kProbe) {
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
  if (admitted != Admission::kRun || state_ != State::kClosed) return;
  if (succeeded) {
    failures_ = 0;
  } else if (++failures_ >= failure_threshold_) {
    state_ = State::kOpen;
    opened_at_ = now;
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
