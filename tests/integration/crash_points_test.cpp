// The real binary ends itself (_exit, as a power cut or SIGKILL would) at each named durable
// step (gateway/fault/crash_point.hpp): after the instance is written out, its rename, the spool's
// flush, the arrival's commit, the claim's commit, the request written, the answer read, and
// before the outcome's commit. The simulator ignores Idempotency-Key. After a restart (and the
// sender sending again, as an SCU does when it had no answer): the study is registered, and
// the viewer holds it once.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/fault/crash_point.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

const std::string kStudy = "1.2.826.0.1.3680043.10.543.3";  // cr_no_description's study

class CrashPoint : public ::testing::TestWithParam<std::string_view> {};

TEST_P(CrashPoint, TheStudyIsRegisteredOnceAfterTheRestart) {
  const std::string point(GetParam());
  GatewayHarness harness;
  harness.simulator().set_ignore_idempotency(true);
  harness.set_environment("GW_CRASH_AT", point + ":1");
  harness.start_gateway();
  const SendResult first = send_files(harness.sender(), {harness.fixture("cr_no_description")});
  EXPECT_EQ(harness.gateway().wait_exit(20s), 86)
      << "the crash point was not reached:\n" << harness.gateway().output();

  harness.clear_environment();
  harness.start_gateway();
  // An SCU that had no answer sends again; one that had Success may too (a duplicate).
  const SendResult again = send_files(harness.sender(), {harness.fixture("cr_no_description")});
  ASSERT_TRUE(again.associated);
  ASSERT_EQ(again.statuses.size(), 1u);
  EXPECT_EQ(again.statuses[0], 0x0000);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  std::string state;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto view = harness.registry_view();
    state = view.count(kStudy) ? view.at(kStudy).first : "unknown";
    if (state == "registered") break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(state, "registered") << harness.gateway().output();
  EXPECT_EQ(harness.simulator().studies_created(), 1u)
      << "created twice after a crash at " << point << " (first send acknowledged: "
      << (first.statuses.size() == 1 && first.statuses[0] == 0) << ")";
}

INSTANTIATE_TEST_SUITE_P(EveryDurableStep, CrashPoint, ::testing::ValuesIn(fault::kCrashPoints),
                         [](const auto& info) {
                           std::string name;
                           bool upper = true;
                           for (char c : info.param) {
                             if (c == '_') {
                               upper = true;
                               continue;
                             }
                             name += upper ? static_cast<char>(std::toupper(c)) : c;
                             upper = false;
                           }
                           return name;
                         });

}  // namespace
}  // namespace gw::test
