#include "login_throttle.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gw::console {
namespace {

using namespace std::chrono_literals;
using std::chrono::seconds;

const LoginThrottle::TimePoint t0 = LoginThrottle::TimePoint{} + 1000h;

// ---- how many failures buy how long a wait ---------------------------------------------------

struct WaitCase {
  unsigned failures;
  std::optional<seconds> wait;
  // Names the case in ctest's list instead of dumping the struct's bytes.
  friend void PrintTo(const WaitCase& c, std::ostream* out) { *out << c.failures << " failures"; }
};

class ThrottleDelay : public ::testing::TestWithParam<WaitCase> {};

TEST_P(ThrottleDelay, FiveFailuresAreFreeThenTheWaitDoublesUpToFifteenMinutes) {
  LoginThrottle throttle;
  for (unsigned i = 0; i < GetParam().failures; ++i)
    throttle.record_failure("10.0.0.1", "alice", t0);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0), GetParam().wait)
      << GetParam().failures << " failures";
}

INSTANTIATE_TEST_SUITE_P(Table, ThrottleDelay,
                         ::testing::Values(WaitCase{0, std::nullopt}, WaitCase{1, std::nullopt},
                                           WaitCase{4, std::nullopt}, WaitCase{5, 1s},
                                           WaitCase{6, 2s}, WaitCase{7, 4s}, WaitCase{8, 8s},
                                           WaitCase{14, 512s}, WaitCase{15, 900s},
                                           WaitCase{40, 900s}));

// ---- behaviour over time and across keys -----------------------------------------------------

void fail_times(LoginThrottle& throttle, std::string_view address, std::string_view user,
                unsigned times, LoginThrottle::TimePoint when) {
  for (unsigned i = 0; i < times; ++i) throttle.record_failure(address, user, when);
}

TEST(LoginThrottle, TheWaitRunsOutAndIsRoundedUpToWholeSeconds) {
  LoginThrottle throttle;
  fail_times(throttle, "10.0.0.1", "alice", 6, t0);  // 2 s
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0 + 500ms), 2s);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0 + 1500ms), 1s);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0 + 2s), std::nullopt);
}

TEST(LoginThrottle, OneAddressTryingManyNamesIsSlowedForEveryName) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) throttle.record_failure("10.0.0.1", "user" + std::to_string(i), t0);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "someone-new", t0), 1s);
  EXPECT_EQ(throttle.retry_after("10.0.0.2", "someone-new", t0), std::nullopt);
  EXPECT_EQ(throttle.retry_after("10.0.0.2", "user0", t0), std::nullopt);  // one failure each
}

TEST(LoginThrottle, ManyAddressesTryingOneNameAreSlowedForThatName) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) throttle.record_failure("10.0.0." + std::to_string(i), "alice", t0);
  EXPECT_EQ(throttle.retry_after("192.0.2.7", "alice", t0), 1s);
  EXPECT_EQ(throttle.retry_after("192.0.2.7", "bob", t0), std::nullopt);
}

TEST(LoginThrottle, TheLongerOfTheAddressWaitAndTheUserWaitApplies) {
  LoginThrottle throttle;
  fail_times(throttle, "10.0.0.1", "alice", 7, t0);  // address and alice: 4 s
  fail_times(throttle, "10.0.0.2", "bob", 5, t0);    // bob: 1 s
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "bob", t0), 4s);
  EXPECT_EQ(throttle.retry_after("10.0.0.2", "alice", t0), 4s);
}

TEST(LoginThrottle, SuccessClearsTheUsersCountButNotTheAddresses) {
  LoginThrottle throttle;
  fail_times(throttle, "10.0.0.1", "alice", 5, t0);
  throttle.record_success("10.0.0.1", "alice");
  EXPECT_EQ(throttle.retry_after("10.0.0.9", "alice", t0), std::nullopt);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "bob", t0), 1s);
  // The user's count starts over: four more failures are free again.
  fail_times(throttle, "10.0.0.9", "alice", 4, t0 + 1s);
  EXPECT_EQ(throttle.retry_after("10.0.0.9", "alice", t0 + 1s), std::nullopt);
}

TEST(LoginThrottle, FailuresAreForgottenAWindowAfterTheLastOne) {
  LoginThrottle throttle;
  fail_times(throttle, "10.0.0.1", "alice", 4, t0);
  throttle.record_failure("10.0.0.1", "alice", t0 + 15min);  // the first four are gone
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0 + 15min), std::nullopt);
}

TEST(LoginThrottle, FailuresSpreadInsideTheWindowStillAddUp) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) throttle.record_failure("10.0.0.1", "alice", t0 + i * 10min);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0 + 40min), 1s);
}

TEST(LoginThrottle, ABlockedAddressIsForgottenOnceTheWindowHasPassed) {
  LoginThrottle throttle;
  fail_times(throttle, "10.0.0.1", "alice", 30, t0);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0 + 15min - 1s), 1s);
  EXPECT_EQ(throttle.retry_after("10.0.0.1", "alice", t0 + 15min), std::nullopt);
}

TEST(LoginThrottle, SettingsChangeTheFreeFailuresAndTheDelays) {
  LoginThrottle throttle(ThrottleSettings{
      .free_failures = 2, .window = 60s, .first_delay = 5s, .max_delay = 12s, .max_entries = 100});
  fail_times(throttle, "a", "u", 2, t0);
  EXPECT_EQ(throttle.retry_after("a", "u", t0), 5s);
  throttle.record_failure("a", "u", t0);
  EXPECT_EQ(throttle.retry_after("a", "u", t0), 10s);
  throttle.record_failure("a", "u", t0);
  EXPECT_EQ(throttle.retry_after("a", "u", t0), 12s);
}

TEST(LoginThrottle, WhenFullTheStalestKeyIsForgotten) {
  LoginThrottle throttle(
      ThrottleSettings{.free_failures = 1, .first_delay = 60s, .max_entries = 3});
  throttle.record_failure("10.0.0.1", "u1", t0);
  throttle.record_failure("10.0.0.2", "u2", t0 + 1s);
  throttle.record_failure("10.0.0.3", "u3", t0 + 2s);
  throttle.record_failure("10.0.0.1", "u1", t0 + 3s);  // 10.0.0.1 and u1 are fresh again
  throttle.record_failure("10.0.0.4", "u4", t0 + 4s);  // evicts 10.0.0.2 and u2
  const auto now = t0 + 4s;
  EXPECT_EQ(throttle.retry_after("10.0.0.2", "u2", now), std::nullopt);
  EXPECT_NE(throttle.retry_after("10.0.0.1", "nobody", now), std::nullopt);
  EXPECT_NE(throttle.retry_after("10.0.0.3", "nobody", now), std::nullopt);
  EXPECT_NE(throttle.retry_after("10.0.0.4", "nobody", now), std::nullopt);
}

TEST(FailureLedger, MemoryStaysBoundedUnderASprayOfDistinctKeys) {
  FailureLedger ledger(ThrottleSettings{});
  for (int i = 0; i < 25'000; ++i) ledger.record_failure("user" + std::to_string(i), t0);
  EXPECT_EQ(ledger.size(), 10'000u);
  ledger.forget("user24999");
  EXPECT_EQ(ledger.size(), 9'999u);
}

}  // namespace
}  // namespace gw::console
