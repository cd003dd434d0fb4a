// Storage Commitment Push Model against the real gateway process: DCMTK's DcmSCU asks, and
// DCMTK's DcmSCP (the requester's own SCP) takes reports the gateway sends on new associations.
#include <gtest/gtest.h>

#include "commitment_peers.hpp"
#include "gateway/fault/crash_point.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t kNoSuchObject = 0x0112;
constexpr std::uint16_t kClassConflict = 0x0119;
const std::string kNeverSent = "1.2.826.0.1.3680043.10.543.999.1";

class StorageCommitment : public ::testing::Test {
 protected:
  void start(const std::string& environment_crash = "") {
    harness.add_dicom_setting("  peers:\n    - { ae_title: TEST_SCU, host: 127.0.0.1, port: " +
                              std::to_string(requester_port) + " }\n");
    if (!environment_crash.empty()) harness.set_environment("GW_CRASH_AT", environment_crash);
    harness.start_gateway();
  }
  void restart() {
    harness.clear_environment();
    harness.start_gateway();
  }
  CommitmentAsk ask(std::vector<std::pair<std::string, std::string>> items, std::string tx) const {
    CommitmentAsk a;
    a.port = harness.sender().port;
    a.transaction_uid = std::move(tx);
    a.items = std::move(items);
    return a;
  }
  std::pair<std::string, std::string> store(const std::string& fixture) {
    const SendResult sent = send_files(harness.sender(), {harness.fixture(fixture)});
    EXPECT_EQ(sent.statuses, std::vector<std::uint16_t>{0x0000}) << sent.error;
    return sop_of(harness.fixture(fixture));
  }

  GatewayHarness harness;
  std::uint16_t requester_port = free_port();
};

TEST_F(StorageCommitment, StoredInstancesAreReportedCommittedOnTheRequestersOwnAssociation) {
  start();
  const auto first = store("ct_chest_s1_i1");
  const auto second = store("ct_chest_s1_i2");
  CommitmentAsk a = ask({first, second}, "2.25.1001");
  a.wait_for_report = true;
  const CommitmentAnswer answer = ask_for_commitment(a);
  ASSERT_EQ(answer.action_status, 0x0000) << answer.error;
  ASSERT_TRUE(answer.report) << answer.error << harness.gateway().output();
  EXPECT_EQ(answer.report->event_type, 1);
  EXPECT_EQ(answer.report->transaction_uid, "2.25.1001");
  EXPECT_EQ(answer.report->committed, (std::vector<std::string>{first.second, second.second}));
  EXPECT_TRUE(answer.report->failed.empty());
  EXPECT_TRUE(harness.gateway().wait_for_line("via=same_association", 5s));
}

TEST_F(StorageCommitment, AnInstanceNeverSentOrOfAnotherClassIsReportedAsAFailure) {
  start();
  const auto stored = store("ct_chest_s1_i1");
  const std::pair<std::string, std::string> never{stored.first, kNeverSent};
  const std::pair<std::string, std::string> wrong_class{"1.2.840.10008.5.1.4.1.1.4", stored.second};
  CommitmentAsk a = ask({stored, never, wrong_class}, "2.25.1002");
  a.wait_for_report = true;
  const CommitmentAnswer answer = ask_for_commitment(a);
  ASSERT_EQ(answer.action_status, 0x0000) << answer.error;
  ASSERT_TRUE(answer.report) << answer.error;
  EXPECT_EQ(answer.report->event_type, 2);
  EXPECT_EQ(answer.report->committed, std::vector<std::string>{stored.second});
  using Failed = std::vector<std::pair<std::string, std::uint16_t>>;
  EXPECT_EQ(answer.report->failed, (Failed{{kNeverSent, kNoSuchObject}, {stored.second, kClassConflict}}));
}

TEST_F(StorageCommitment, ACallingAeWithoutAPeerEntryIsRefusedAndNothingIsRecorded) {
  start();
  CommitmentAsk a = ask({store("ct_chest_s1_i1")}, "2.25.1003");
  a.calling_ae = "STRANGER";
  const CommitmentAnswer answer = ask_for_commitment(a);
  EXPECT_EQ(answer.action_status, 0x0124) << answer.error;  // Refused: Not authorized
  EXPECT_TRUE(harness.gateway().wait_for_line("reason=unknown_requester", 5s));
  EXPECT_EQ(harness.gateway().output().find("commitment_requested"), std::string::npos);
}

TEST_F(StorageCommitment, ARequesterThatReleasedItsAssociationGetsTheReportOnANewOne) {
  ReportListener requester(requester_port);
  start();
  const auto stored = store("cr_no_description");
  const CommitmentAnswer answer = ask_for_commitment(ask({stored}, "2.25.1004"));
  ASSERT_EQ(answer.action_status, 0x0000) << answer.error;
  const auto reports = requester.wait_for(1, 20s);
  ASSERT_EQ(reports.size(), 1u) << harness.gateway().output();
  EXPECT_EQ(reports[0].event_type, 1);
  EXPECT_EQ(reports[0].transaction_uid, "2.25.1004");
  EXPECT_EQ(reports[0].committed, std::vector<std::string>{stored.second});
  EXPECT_TRUE(harness.gateway().wait_for_line("via=new_association", 5s));
}

TEST_F(StorageCommitment, ARequesterThatIsDownGetsTheReportAfterItComesBack) {
  start();
  const auto stored = store("cr_no_description");
  ASSERT_EQ(ask_for_commitment(ask({stored, {stored.first, kNeverSent}}, "2.25.1005")).action_status,
            0x0000);
  ASSERT_TRUE(harness.gateway().wait_for_line("commitment_report_failed", 20s))
      << harness.gateway().output();
  ReportListener requester(requester_port);
  const auto reports = requester.wait_for(1, 60s);
  ASSERT_EQ(reports.size(), 1u) << harness.gateway().output();
  EXPECT_EQ(reports[0].event_type, 2);
  EXPECT_EQ(reports[0].failed.size(), 1u);
}

TEST_F(StorageCommitment, ARestartBetweenRequestAndReportLosesNothing) {
  start();
  const auto stored = store("cr_no_description");
  ASSERT_EQ(ask_for_commitment(ask({stored}, "2.25.1006")).action_status, 0x0000);
  ASSERT_TRUE(harness.gateway().wait_for_line("commitment_report_failed", 20s));
  EXPECT_EQ(harness.stop_gateway(), 0);
  ReportListener requester(requester_port);
  restart();
  const auto reports = requester.wait_for(1, 30s);
  ASSERT_EQ(reports.size(), 1u) << harness.gateway().output();
  EXPECT_EQ(reports[0].event_type, 1);
  EXPECT_EQ(reports[0].transaction_uid, "2.25.1006");
}

TEST_F(StorageCommitment, ARequestRecordedButNotYetAnsweredWhenTheGatewayDiesIsStillReported) {
  start("commitment_recorded:1");
  const auto stored = store("cr_no_description");
  const CommitmentAnswer answer = ask_for_commitment(ask({stored}, "2.25.1007"));
  EXPECT_FALSE(answer.action_status) << "answered before the crash point";
  ASSERT_EQ(harness.gateway().wait_exit(20s), 86) << harness.gateway().output();
  ReportListener requester(requester_port);
  restart();
  const auto reports = requester.wait_for(1, 30s);
  ASSERT_EQ(reports.size(), 1u) << harness.gateway().output();
  EXPECT_EQ(reports[0].event_type, 1);
}

TEST_F(StorageCommitment, AResolutionDurableBeforeTheCrashIsReportedAsResolved) {
  start("commitment_resolved:1");
  const auto stored = store("cr_no_description");
  ask_for_commitment(ask({stored, {stored.first, kNeverSent}}, "2.25.1008"));
  ASSERT_EQ(harness.gateway().wait_exit(20s), 86) << harness.gateway().output();
  ReportListener requester(requester_port);
  restart();
  const auto reports = requester.wait_for(1, 30s);
  ASSERT_EQ(reports.size(), 1u) << harness.gateway().output();
  EXPECT_EQ(reports[0].event_type, 2);
  EXPECT_EQ(reports[0].committed, std::vector<std::string>{stored.second});
}

// An instance whose spool write was never synced was never acknowledged: after the crash and
// the restart's clean-up it is reported as "no such object instance", never as committed.
TEST_F(StorageCommitment, AnInstanceWhoseSpoolWriteWasNotSyncedIsNeverCommitted) {
  start("instance_written:1");
  const SendResult sent = send_files(harness.sender(), {harness.fixture("cr_no_description")});
  EXPECT_TRUE(sent.statuses.empty() || sent.statuses[0] != 0x0000);
  ASSERT_EQ(harness.gateway().wait_exit(20s), 86) << harness.gateway().output();
  restart();
  CommitmentAsk a = ask({sop_of(harness.fixture("cr_no_description"))}, "2.25.1009");
  a.wait_for_report = true;
  const CommitmentAnswer answer = ask_for_commitment(a);
  ASSERT_TRUE(answer.report) << answer.error << harness.gateway().output();
  EXPECT_EQ(answer.report->event_type, 2);
  ASSERT_EQ(answer.report->failed.size(), 1u);
  EXPECT_EQ(answer.report->failed[0].second, kNoSuchObject);
}

TEST_F(StorageCommitment, StudiesShowListsTheCommitmentsThatNamedTheStudysInstances) {
  start();
  const auto stored = store("cr_no_description");
  CommitmentAsk a = ask({stored}, "2.25.1010");
  a.wait_for_report = true;
  ASSERT_TRUE(ask_for_commitment(a).report);
  std::string output;
  ASSERT_EQ(harness.studies_command({"studies", "show", "1.2.826.0.1.3680043.10.543.3"}, output), 0)
      << output;
  EXPECT_NE(output.find("2.25.1010"), std::string::npos) << output;
  EXPECT_NE(output.find("reported"), std::string::npos) << output;
}

}  // namespace
}  // namespace gw::test
