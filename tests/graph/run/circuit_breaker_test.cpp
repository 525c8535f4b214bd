#include "graph/run/circuit_breaker.h"

#include <gtest/gtest.h>

namespace graph {
namespace {

using std::chrono::milliseconds;
using Admission = CircuitBreaker::Admission;
using State = CircuitBreaker::State;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker breaker_{3, milliseconds(1000)};
  CircuitBreaker::Clock::time_point t0_{};

  void fail_at(CircuitBreaker::Clock::time_point t) {
    const CircuitBreaker::Ticket ticket = breaker_.admit(t);
    ASSERT_EQ(ticket.admission, Admission::kRun);
    breaker_.record(ticket, false, t);
  }
  void open() {
    for (int i = 0; i < 3; ++i)
      fail_at(t0_);
    ASSERT_EQ(breaker_.snapshot().state, State::kOpen);
  }
};

TEST_F(CircuitBreakerTest, OpensAfterThresholdConsecutiveFailures) {
  fail_at(t0_);
  fail_at(t0_);
  EXPECT_EQ(breaker_.snapshot().state, State::kClosed);
  EXPECT_EQ(breaker_.snapshot().consecutive_failures, 2u);
  fail_at(t0_ + milliseconds(5));
  EXPECT_EQ(breaker_.snapshot().state, State::kOpen);
  EXPECT_EQ(breaker_.snapshot().retry_at, t0_ + milliseconds(1005));
  EXPECT_EQ(breaker_.admit(t0_ + milliseconds(1004)).admission, Admission::kRefuse);
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheCount) {
  fail_at(t0_);
  fail_at(t0_);
  breaker_.record(breaker_.admit(t0_), true, t0_);
  fail_at(t0_);
  fail_at(t0_);
  EXPECT_EQ(breaker_.snapshot().state, State::kClosed) << "failures must be consecutive";
}

TEST_F(CircuitBreakerTest, AdmitsExactlyOneProbeAfterTheRecoveryTimeout) {
  open();
  const auto later = t0_ + milliseconds(1000);
  const CircuitBreaker::Ticket probe = breaker_.admit(later);
  EXPECT_EQ(probe.admission, Admission::kProbe);
  EXPECT_EQ(breaker_.snapshot().state, State::kHalfOpen);
  EXPECT_EQ(breaker_.admit(later).admission, Admission::kRefuse) << "one probe at a time";
  breaker_.record(probe, true, later);
  EXPECT_EQ(breaker_.snapshot().state, State::kClosed);
  EXPECT_EQ(breaker_.snapshot().consecutive_failures, 0u);
  EXPECT_EQ(breaker_.admit(later).admission, Admission::kRun);
}

TEST_F(CircuitBreakerTest, AFailedProbeOpensForAnotherTimeout) {
  open();
  const auto probe_at = t0_ + milliseconds(1500);
  const CircuitBreaker::Ticket probe = breaker_.admit(probe_at);
  ASSERT_EQ(probe.admission, Admission::kProbe);
  breaker_.record(probe, false, probe_at);
  EXPECT_EQ(breaker_.snapshot().state, State::kOpen);
  EXPECT_EQ(breaker_.admit(probe_at + milliseconds(999)).admission, Admission::kRefuse);
  EXPECT_EQ(breaker_.admit(probe_at + milliseconds(1000)).admission, Admission::kProbe);
}

TEST_F(CircuitBreakerTest, ACallAdmittedBeforeItOpenedChangesNothingAfter) {
  const CircuitBreaker::Ticket slow = breaker_.admit(t0_);  // still running
  open();
  breaker_.record(slow, true, t0_ + milliseconds(1));
  EXPECT_EQ(breaker_.snapshot().state, State::kOpen) << "only the probe may close it";
}

TEST_F(CircuitBreakerTest, ACallFromBeforeAProbeClosedItDoesNotCount) {
  CircuitBreaker strict{1, milliseconds(10)};
  const CircuitBreaker::Ticket slow = strict.admit(t0_);  // admitted while closed
  const CircuitBreaker::Ticket failing = strict.admit(t0_);
  strict.record(failing, false, t0_);  // threshold 1: open
  const CircuitBreaker::Ticket probe = strict.admit(t0_ + milliseconds(10));
  ASSERT_EQ(probe.admission, Admission::kProbe);
  strict.record(probe, true, t0_ + milliseconds(11));
  ASSERT_EQ(strict.snapshot().state, State::kClosed);
  strict.record(slow, false, t0_ + milliseconds(12));
  EXPECT_EQ(strict.snapshot().state, State::kClosed)
      << "a failure from the circuit's previous life must not reopen it";
}

TEST(CircuitStateNameTest, NamesEveryState) {
  EXPECT_STREQ(circuit_state_name(State::kClosed), "closed");
  EXPECT_STREQ(circuit_state_name(State::kOpen), "open");
  EXPECT_STREQ(circuit_state_name(State::kHalfOpen), "half_open");
}

}  // namespace
}  // namespace graph
