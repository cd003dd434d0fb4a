// Issue #8 end to end: the real gateway process receives a dataset of 10,000 nested sequences.
// Before the scanner, DCMTK's parser recursed once per level, overflowed the worker's stack and
// took the process down: the modality saw its association drop and every later send failed
// until systemd restarted the service. Now the modality sees one failed C-STORE (0xC200,
// "sequences nested deeper than 32 …"); the gateway goes on receiving, and nothing of the
// bomb remains: no file in the spool, no study in the registry.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

#include "../dicom/dicom_bytes.hpp"
#include "../dicom/raw_store_sender.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

std::vector<std::string> registered_study_uids(const GatewayHarness& harness) {
  std::string output;
  run_command(kGatewayBinary, {"studies", "list", "--json", "--config", harness.config_path()}, output);
  std::vector<std::string> uids;
  const boost::json::value parsed = boost::json::parse(output);  // outlives the loop
  for (const auto& v : parsed.as_array()) {
    uids.emplace_back(v.as_object().at("studyInstanceUid").as_string());
  }
  return uids;
}

TEST(HostileInput, ANestingBombIsRefusedAndTheGatewayKeepsStoringWithNothingLeftBehind) {
  GatewayHarness harness;
  harness.start_gateway();
  const std::string bomb_study = "1.2.826.0.1.3680043.10.543.777";
  const auto bomb = nested_sequences(10'000, bomb_study + ".1", bomb_study);

  const auto answer = send_raw_store(harness.sender().port, std::string(kCtImageStorage), bomb_study + ".1",
                                     std::string(kExplicitLittle), bomb);
  ASSERT_TRUE(answer.status.has_value()) << "the association broke: " << answer.error;
  EXPECT_EQ(*answer.status, 0xC200);
  EXPECT_NE(answer.error_comment.find("nested deeper than 32"), std::string::npos) << answer.error_comment;
  EXPECT_TRUE(harness.gateway().wait_for_line("event=store_refused", std::chrono::seconds(5)));

  // Still alive: the next instance is stored and registered.
  const auto normal = send_files(harness.sender(), {harness.fixture("ct_chest_s1_i1")});
  ASSERT_TRUE(normal.associated) << normal.error;
  EXPECT_EQ(normal.statuses, (std::vector<std::uint16_t>{0x0000}));
  ASSERT_TRUE(harness.wait_for_registrations(1));

  const auto incoming = harness.dir() / "spool" / ".incoming";
  EXPECT_TRUE(!std::filesystem::exists(incoming) || std::filesystem::is_empty(incoming));
  EXPECT_FALSE(std::filesystem::exists(harness.dir() / "spool" / bomb_study));
  const auto uids = registered_study_uids(harness);
  EXPECT_EQ(std::count(uids.begin(), uids.end(), bomb_study), 0) << "no study row for the bomb";
  EXPECT_EQ(uids.size(), 1u);
  EXPECT_EQ(harness.stop_gateway(), 0);
}

}  // namespace
}  // namespace gw::test
