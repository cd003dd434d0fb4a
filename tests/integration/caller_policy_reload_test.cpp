// dicom.allowed_callers in the running gateway: SIGHUP applies a new list to the next
// associations, without a restart.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <sstream>

#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

TEST(CallerPolicyReload, ANewAllowedCallersListAppliesToTheNextAssociationsAfterSighup) {
  GatewayHarness harness;
  harness.start_gateway();
  std::stringstream text;
  text << std::ifstream(harness.config_path()).rdbuf();
  const std::string started = text.str();
  int reloads = 0;
  auto reload_with_callers = [&](const std::string& list) {
    std::string config = started;
    config.replace(config.find("dicom:\n"), 7, "dicom:\n  allowed_callers: " + list + "\n");
    std::ofstream(harness.config_path(), std::ios::trunc) << config;
    ASSERT_EQ(::kill(harness.gateway().pid(), SIGHUP), 0);
    ASSERT_TRUE(harness.gateway().wait_for_count("event=config_reloaded ", ++reloads, 20s));
  };

  reload_with_callers("[{ ae_title: PACS_A }]");
  EXPECT_FALSE(send_files(harness.sender(), {harness.fixture("ct_chest_s1_i1")}).associated);
  EXPECT_TRUE(harness.gateway().wait_for_count(
      "event=association_rejected calling_ae=TEST_SCU peer=127.0.0.1 "
      "reason=calling_ae_not_recognized",
      1, 10s));

  reload_with_callers("[{ ae_title: PACS_A }, { ae_title: TEST_SCU, host: 127.0.0.0/8 }]");
  const auto result = send_files(harness.sender(), {harness.fixture("ct_chest_s1_i1")});
  ASSERT_TRUE(result.associated) << result.error;
  EXPECT_EQ(result.statuses, (std::vector<std::uint16_t>{0x0000}));
}

}  // namespace
}  // namespace gw::test
