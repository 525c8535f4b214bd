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
    ASSERT_EQ(breaker_.admit(t), Admission::kRun);
    breaker_.record(Admission::kRun, false, t);
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
  EXPECT_EQ(breaker_.admit(t0_ + milliseconds(1004)), Admission::kRefuse);
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
  for (int i = 0; i < 3; ++i)
    fail_at(t0_);
  const auto later = t0_ + milliseconds(1000);
  EXPECT_EQ(breaker_.admit(later), Admission::kProbe);
  EXPECT_EQ(breaker_.snapshot().state, State::kHalfOpen);
  EXPECT_EQ(breaker_.admit(later), Admission::kRefuse) << "one probe at a time";
  breaker_.record(Admission::kProbe, true, later);
  EXPECT_EQ(breaker_.snapshot().state, State::kClosed);
  EXPECT_EQ(breaker_.snapshot().consecutive_failures, 0u);
  EXPECT_EQ(breaker_.admit(later), Admission::kRun);
}

TEST_F(CircuitBreakerTest, AFailedProbeOpensForAnotherTimeout) {
  for (int i = 0; i < 3; ++i)
    fail_at(t0_);
  const auto probe_at = t0_ + milliseconds(1500);
  ASSERT_EQ(breaker_.admit(probe_at), Admission::kProbe);
  breaker_.record(Admission::kProbe, false, probe_at);
  EXPECT_EQ(breaker_.snapshot().state, State::kOpen);
  EXPECT_EQ(breaker_.admit(probe_at + milliseconds(999)), Admission::kRefuse);
  EXPECT_EQ(breaker_.admit(probe_at + milliseconds(1000)), Admission::kProbe);
}

TEST_F(CircuitBreakerTest, ACallAdmittedBeforeItOpenedChangesNothingAfter) {
  ASSERT_EQ(breaker_.admit(t0_), Admission::kRun);  // slow call, still running
  for (int i = 0; i < 3; ++i)
    fail_at(t0_);
  breaker_.record(Admission::kRun, true, t0_ + milliseconds(1));
  EXPECT_EQ(breaker_.snapshot().state, State::kOpen) << "only the probe may close it";
}

TEST(CircuitStateNameTest, NamesEveryState) {
  EXPECT_STREQ(circuit_state_name(State::kClosed), "closed");
  EXPECT_STREQ(circuit_state_name(State::kOpen), "open");
  EXPECT_STREQ(circuit_state_name(State::kHalfOpen), "half_open");
}

}  // namespace
}  // namespace graph
