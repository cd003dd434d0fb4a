#include <gtest/gtest.h>

#include "gateway/registry/retry_policy.hpp"

using namespace std::chrono_literals;
using gw::registry::RetryPolicy;

TEST(RetryPolicy, TheCeilingDoublesFromInitialUpToMax) {
  const RetryPolicy policy{1s, 60s};
  EXPECT_EQ(policy.delay(1, std::nullopt, 0.999999), 999ms);
  EXPECT_EQ(policy.delay(2, std::nullopt, 0.5), 1s);
  EXPECT_EQ(policy.delay(4, std::nullopt, 0.5), 4s);
  EXPECT_EQ(policy.delay(30, std::nullopt, 0.5), 30s) << "capped at max before jitter";
}

TEST(RetryPolicy, JitterNeverGoesBelowHalfTheInitialDelay) {
  const RetryPolicy policy{1s, 60s};
  EXPECT_EQ(policy.delay(5, std::nullopt, 0.0), 500ms);
}

TEST(RetryPolicy, RetryAfterWinsButIsCappedByMax) {
  const RetryPolicy policy{1s, 60s};
  EXPECT_EQ(policy.delay(1, 3s, 0.1), 3s);
  EXPECT_EQ(policy.delay(1, 3600s, 0.1), 60s);
}
