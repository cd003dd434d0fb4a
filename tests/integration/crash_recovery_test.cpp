// The gateway process is killed with SIGKILL at the worst moments and started again on the
// same spool and database. What the user sees: every study whose C-STORE was answered with
// success is registered with the viewer once, under one idempotency key, and never twice.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "dicom_files.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

constexpr int kStudies = 200;
constexpr int kAssociations = 4;

std::string study_uid(int i) { return "1.2.826.0.1.3680043.10.543.700." + std::to_string(i); }

/// kStudies one-instance studies, in kAssociations groups of files.
std::vector<std::vector<std::string>> make_burst(const GatewayHarness& harness) {
  std::vector<std::vector<std::string>> groups(kAssociations);
  for (int i = 0; i < kStudies; ++i) {
    const std::string path = (harness.dir() / ("burst" + std::to_string(i) + ".dcm")).string();
    write_instance(path, {study_uid(i), study_uid(i) + ".1.1", "MR", "Burst " + std::to_string(i)});
    groups[i % kAssociations].push_back(path);
  }
  return groups;
}

/// Sends each group on its own association, all at once; returns the UIDs of the studies
/// whose instance was answered with Success.
std::set<std::string> send_burst(const GatewayHarness& harness,
                                 const std::vector<std::vector<std::string>>& groups) {
  std::vector<SendResult> results(groups.size());
  std::vector<std::thread> senders;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    senders.emplace_back([&, g] { results[g] = send_files(harness.sender(), groups[g]); });
  }
  for (auto& t : senders) t.join();
  std::set<std::string> acknowledged;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (std::size_t f = 0; f < results[g].statuses.size(); ++f) {
      if (results[g].statuses[f] != 0x0000) continue;
      const int i = static_cast<int>(f * kAssociations + g);
      acknowledged.insert(study_uid(i));
    }
  }
  return acknowledged;
}

/// Waits until every study in `uids` is registered in the gateway's registry.
bool wait_all_registered(const GatewayHarness& harness, const std::set<std::string>& uids,
                         std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto view = harness.registry_view();
    bool all = true;
    for (const auto& uid : uids) {
      const auto it = view.find(uid);
      if (it == view.end() || it->second.first != "registered") {
        all = false;
        break;
      }
    }
    if (all) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

/// The promise, checked on the viewer's side: no StudyInstanceUID was created twice and no
/// study was sent under two idempotency keys.
void expect_each_study_created_once(GatewayHarness& harness) {
  std::map<std::string, std::set<std::string>> keys_by_uid;
  for (const auto& request : harness.creates()) {
    const auto body = boost::json::parse(request.body).as_object();
    keys_by_uid[std::string(body.at("studyInstanceUid").as_string())].insert(request.idempotency_key);
  }
  for (const auto& [uid, keys] : keys_by_uid) {
    EXPECT_EQ(keys.size(), 1u) << uid << " was sent under " << keys.size() << " idempotency keys";
  }
  EXPECT_EQ(harness.simulator().studies_created(), keys_by_uid.size())
      << "a study was created twice in the viewer";
}

enum class KillMoment { during_receive, pending_behind_outage, requests_in_flight };

class KilledMidBurst : public ::testing::TestWithParam<KillMoment> {};

TEST_P(KilledMidBurst, EveryAcknowledgedStudyIsRegisteredOnceAfterRestart) {
  GatewayHarness harness;
  harness.start_gateway();
  const auto groups = make_burst(harness);

  sim::Fault fault;
  std::set<std::string> acknowledged;
  switch (GetParam()) {
    case KillMoment::during_receive: {
      // Kill while the four associations are still sending.
      std::thread killer([&] {
        harness.gateway().wait_for_count("event=study_first_seen", 60, 30s);
        ::kill(harness.gateway().pid(), SIGKILL);
      });
      acknowledged = send_burst(harness, groups);
      killer.join();
      EXPECT_LT(acknowledged.size(), static_cast<std::size_t>(kStudies)) << "the kill came too late";
      break;
    }
    case KillMoment::pending_behind_outage:
      // Committed but not registered: the viewer refuses everything until the kill.
      fault.status = 503;
      harness.simulator().set_fault(fault);
      acknowledged = send_burst(harness, groups);
      ASSERT_TRUE(harness.gateway().wait_for_count("event=registration_retry", 4, 20s));
      ::kill(harness.gateway().pid(), SIGKILL);
      break;
    case KillMoment::requests_in_flight:
      // The viewer creates each study at once but answers 3 s later: killed with requests
      // on the wire whose studies the viewer already holds.
      fault.delay = 3s;
      harness.simulator().set_fault(fault);
      acknowledged = send_burst(harness, groups);
      for (int i = 0; i < 100 && harness.simulator().studies_created() < 2; ++i) {
        std::this_thread::sleep_for(50ms);
      }
      ASSERT_GE(harness.simulator().studies_created(), 1u);
      ::kill(harness.gateway().pid(), SIGKILL);
      break;
  }
  harness.gateway().wait_exit(10s);
  harness.simulator().clear_faults();
  ASSERT_FALSE(acknowledged.empty());

  harness.start_gateway();
  EXPECT_TRUE(wait_all_registered(harness, acknowledged, 90s)) << harness.gateway().output();
  expect_each_study_created_once(harness);
  if (GetParam() == KillMoment::requests_in_flight) {
    EXPECT_GE(harness.gateway().count_lines("event=study_adopted"), 1)
        << "the studies in flight at the kill were found in the viewer's list";
  }
}

INSTANTIATE_TEST_SUITE_P(AtEachMoment, KilledMidBurst,
                         ::testing::Values(KillMoment::during_receive,
                                           KillMoment::pending_behind_outage,
                                           KillMoment::requests_in_flight),
                         [](const auto& info) {
                           switch (info.param) {
                             case KillMoment::during_receive: return std::string("DuringReceive");
                             case KillMoment::pending_behind_outage: return std::string("PendingBehindAnOutage");
                             case KillMoment::requests_in_flight: return std::string("WithRequestsInFlight");
                           }
                           return std::string("Unknown");
                         });

TEST(CrashRecovery, AStudyTheViewerCreatedJustBeforeTheCrashIsAdoptedNotCreatedTwice) {
  // The real API may ignore Idempotency-Key: a second POST would make a second study.
  GatewayHarness harness;
  harness.simulator().set_ignore_idempotency(true);
  harness.start_gateway();
  sim::Fault slow_answer;
  slow_answer.delay = 5s;  // the study is created now; the answer comes too late
  harness.simulator().set_fault(slow_answer);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  for (int i = 0; i < 100 && harness.simulator().studies_created() < 1; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(harness.simulator().studies_created(), 1u);
  ::kill(harness.gateway().pid(), SIGKILL);
  harness.gateway().wait_exit(10s);
  harness.simulator().clear_faults();

  harness.start_gateway();
  const auto adopted = harness.gateway().wait_for_line("event=study_adopted", 20s);
  ASSERT_TRUE(adopted) << harness.gateway().output();
  ASSERT_TRUE(harness.wait_for_registrations(1));
  EXPECT_EQ(harness.simulator().studies_created(), 1u) << "no second study in the viewer";
  EXPECT_EQ(harness.creates().size(), 1u) << "no second POST";
  const auto view = harness.registry_view();
  const auto& [state, study_id] = view.at("1.2.826.0.1.3680043.10.543.3");
  EXPECT_EQ(state, "registered");
  EXPECT_EQ(study_id, log_field(*adopted, "study_id"));
}

// cr_no_description's study, and the name the spool gives its instance.
constexpr const char* kLeftStudy = "1.2.826.0.1.3680043.10.543.3";

/// Starts and stops the gateway once (its state and spool exist), then makes the study folder
/// of kLeftStudy as a crash would have left it; returns the path of its instance's file.
std::filesystem::path spool_file_left_by_a_crash(GatewayHarness& harness) {
  harness.start_gateway();
  harness.stop_gateway();
  const auto file = harness.dir() / "spool" / kLeftStudy / "1.2.826.0.1.3680043.10.543.3.1.1.dcm";
  std::filesystem::create_directories(file.parent_path());
  return file;
}

TEST(CrashRecovery, AnInstanceSpooledButNotRecordedIsAdoptedAndAPartialReceiveIsRemoved) {
  GatewayHarness harness;
  // What a crash between the spool's rename and the registry's commit leaves behind, and a
  // receive cut off mid-dataset.
  const std::string study = kLeftStudy;
  const auto spooled = spool_file_left_by_a_crash(harness);
  std::filesystem::copy_file(harness.fixture("cr_no_description"), spooled);
  const auto partial = harness.dir() / "spool" / ".incoming" / "partial-1.dcm";
  std::ofstream(partial) << "DICM half a dataset";

  harness.start_gateway();
  const auto reconciled = harness.gateway().wait_for_line("event=spool_reconciled", 5s);
  ASSERT_TRUE(reconciled) << harness.gateway().output();
  EXPECT_EQ(log_field(*reconciled, "adopted"), "1");
  EXPECT_EQ(log_field(*reconciled, "incomplete_removed"), "1");
  EXPECT_FALSE(std::filesystem::exists(partial));
  ASSERT_TRUE(harness.wait_for_registrations(1)) << harness.gateway().output();
  ASSERT_EQ(harness.create_bodies().size(), 1u);
  EXPECT_EQ(harness.create_bodies()[0].at("studyInstanceUid").as_string(), study);
}

// The spool renames a file before the flush that makes its name durable. On a file system
// without a journal, a power cut in between can leave the name pointing at an empty file: an
// instance never acknowledged. The start-up check says so and does not adopt it; the sender,
// which had no answer, sends again and its copy replaces the empty one.
TEST(CrashRecovery, AnEmptyFileLeftUnderItsFinalNameIsReportedNotAdoptedAndTheResendReplacesIt) {
  GatewayHarness harness;
  const auto empty = spool_file_left_by_a_crash(harness);
  std::ofstream{empty};

  harness.start_gateway();
  const auto reconciled = harness.gateway().wait_for_line("event=spool_reconciled", 5s);
  ASSERT_TRUE(reconciled) << harness.gateway().output();
  EXPECT_EQ(log_field(*reconciled, "adopted"), "0");
  EXPECT_EQ(log_field(*reconciled, "unreadable"), "1");
  EXPECT_EQ(harness.gateway().count_lines("event=spool_file_unreadable"), 1)
      << "the administrator sees which file and why\n" << harness.gateway().output();
  EXPECT_TRUE(harness.registry_view().empty()) << "nothing was registered from an empty file";

  const SendResult resent = send_files(harness.sender(), {harness.fixture("cr_no_description")});
  ASSERT_TRUE(resent.associated) << resent.error;
  ASSERT_EQ(resent.statuses, std::vector<std::uint16_t>{0x0000});
  ASSERT_TRUE(harness.wait_for_registrations(1)) << harness.gateway().output();
  EXPECT_GT(std::filesystem::file_size(empty), 128u) << "the resent copy replaced the empty file";
}

TEST(CrashRecovery, ARefusedKeyPausesSendingWithOneAlarmAndANewKeyFileResumesOnSighup) {
  GatewayHarness harness;
  harness.write_api_key_file("revoked-key-000");
  harness.start_gateway("alarm_after: 1h\n");
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description"),
                                            harness.fixture("mr_brain_latin1_i1")})
                  .associated);
  ASSERT_TRUE(harness.gateway().wait_for_line("event=alarm_api_key_rejected", 10s));
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("ct_chest_s1_i1")}).associated);
  std::this_thread::sleep_for(1500ms);  // the paused dispatcher must not try the third study
  EXPECT_EQ(harness.gateway().count_lines("event=alarm_api_key_rejected"), 1)
      << "one alarm per pause, not one per study";
  std::size_t refused = 0;
  for (const auto& r : harness.creates()) refused += r.status == 401 ? 1 : 0;
  EXPECT_LE(refused, 2u) << "a refused key does not burn through the queue";

  harness.write_api_key_file(kApiKey);
  ::kill(harness.gateway().pid(), SIGHUP);
  ASSERT_TRUE(harness.wait_for_registrations(3, 20s)) << harness.gateway().output();
  EXPECT_EQ(harness.simulator().studies_created(), 3u);
  EXPECT_EQ(harness.gateway().output().find("revoked-key-000"), std::string::npos)
      << "the key never appears in the log";
}

TEST(CrashRecovery, AHungApiHoldsOneSlotAndTheAttemptEndsAtItsTimeout) {
  GatewayHarness harness;
  harness.start_gateway();
  sim::Fault hang;
  hang.hang = true;
  hang.count = 1;  // the first request is read and never answered
  harness.simulator().set_fault(hang);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("mr_brain_latin1_i1"),
                                            harness.fixture("ct_chest_s1_i1")})
                  .associated);
  // The hung request holds one of the two slots (max_in_flight: 2); the other studies go
  // through the second slot before the hung attempt times out (viewer_api.timeout: 5 s).
  ASSERT_TRUE(harness.wait_for_registrations(2, 20s)) << harness.gateway().output();
  const auto retry = harness.gateway().wait_for_line("event=registration_retry", 20s);
  ASSERT_TRUE(retry) << "the hung attempt ended at its timeout:\n" << harness.gateway().output();
  const std::string log = harness.gateway().output();
  EXPECT_LT(log.find("event=study_registered"), log.find("event=registration_retry"))
      << "a hung request blocked the other studies:\n" << log;
  ASSERT_TRUE(harness.wait_for_registrations(3, 20s)) << harness.gateway().output();
  EXPECT_EQ(harness.simulator().studies_created(), 3u);
}

}  // namespace
}  // namespace gw::test
