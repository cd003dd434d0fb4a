// Issue 17's scenarios, the way an operator meets them: the real daemon, real signals, the
// `studies` commands, and a Viewer API simulator that ignores Idempotency-Key (the vendor
// documents none, so a second POST would be a second study in the viewer). Each test says
// what the operator sees.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "../dicom/dicom_bytes.hpp"
#include "../dicom/raw_store_sender.hpp"
#include "dicom_files.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

const std::string kStudy = "1.2.826.0.1.3680043.10.543.3";  // cr_no_description's study

/// Waits (watchdog, not a fixed sleep) until the simulator holds `count` studies.
bool wait_for_created(GatewayHarness& harness, std::size_t count, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (harness.simulator().studies_created() < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(ExactlyOnce, ARestartWhileAPostIsOnTheWireAndAlreadyCreatedAdoptsTheStudy) {
  // systemctl restart (SIGTERM) while the viewer has created the study but not answered.
  GatewayHarness harness;
  harness.simulator().set_ignore_idempotency(true);
  harness.start_gateway();
  sim::Fault slow_answer;
  slow_answer.delay = 4s;  // created at once, answered late
  slow_answer.count = 1;
  harness.simulator().set_fault(slow_answer);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(wait_for_created(harness, 1, 10s));
  EXPECT_EQ(harness.stop_gateway(), 0);
  EXPECT_EQ(harness.registry_view().at(kStudy).first, "in_flight")
      << "a stop leaves the study as a crash would: to be looked up";

  harness.start_gateway();
  ASSERT_TRUE(harness.gateway().wait_for_line("event=study_adopted", 20s))
      << harness.gateway().output();
  ASSERT_TRUE(harness.wait_for_registrations(1));
  EXPECT_EQ(harness.simulator().studies_created(), 1u) << "created twice";
  EXPECT_EQ(harness.creates().size(), 1u) << "no second POST";
  EXPECT_EQ(harness.registry_view().at(kStudy).first, "registered");
}

TEST(ExactlyOnce, ASlowApiThatCreatesAfterTheClientsTimeoutIsLookedUpNotPostedAgain) {
  GatewayHarness harness;
  harness.simulator().set_ignore_idempotency(true);
  harness.start_gateway();  // viewer_api.timeout: 5s
  sim::Fault slow_answer;
  slow_answer.delay = 7s;  // beyond the timeout; the study exists at once
  slow_answer.count = 1;
  harness.simulator().set_fault(slow_answer);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.gateway().wait_for_line("event=study_adopted", 30s))
      << harness.gateway().output();
  ASSERT_TRUE(harness.wait_for_registrations(1));
  EXPECT_EQ(harness.simulator().studies_created(), 1u) << "the timeout was not retried blindly";
  EXPECT_EQ(harness.creates().size(), 1u);
  EXPECT_NE(harness.gateway().output().find("lookup_first=true"), std::string::npos)
      << "the retry said it would look the study up first";
}

TEST(ExactlyOnce, ResendWhileThePostIsInFlightIsRefusedWithAMessage) {
  GatewayHarness harness;
  harness.simulator().set_ignore_idempotency(true);
  harness.start_gateway();
  sim::Fault hang;
  hang.hang = true;
  hang.count = 1;
  harness.simulator().set_fault(hang);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  for (int i = 0; i < 200 && harness.creates().empty(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(harness.creates().size(), 1u);

  std::string output;
  EXPECT_EQ(harness.studies_command({"studies", "resend", kStudy}, output), 1);
  EXPECT_NE(output.find("on the wire"), std::string::npos) << output;
  EXPECT_EQ(harness.studies_command({"studies", "forget", kStudy}, output), 1);
  EXPECT_NE(output.find("on the wire"), std::string::npos) << output;
  EXPECT_EQ(harness.creates().size(), 1u) << "never two POSTs in flight for one study";
}

TEST(ExactlyOnce, AForgottenStudyStaysForgottenAcrossARestart) {
  GatewayHarness harness;
  harness.simulator().set_ignore_idempotency(true);
  harness.start_gateway();
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1));

  std::string output;
  ASSERT_EQ(harness.studies_command({"studies", "forget", kStudy}, output), 0) << output;
  EXPECT_NE(output.find("forgotten"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(harness.dir() / "spool" / kStudy))
      << "its spooled files went with its rows";
  EXPECT_EQ(harness.stop_gateway(), 0);

  harness.start_gateway();
  // Another study goes through after the restart: by then the start-up check has run.
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("mr_brain_latin1_i1")}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1)) << harness.gateway().output();
  EXPECT_EQ(harness.creates().size(), 2u) << "the forgotten study was registered again";
  EXPECT_EQ(harness.registry_view().count(kStudy), 0u);
  EXPECT_EQ(harness.gateway().count_lines("event=spool_instance_adopted"), 0);
}

TEST(ExactlyOnce, ASecondRunAgainstTheSameStateExitsAtOnceNamingThePidAndTouchesNothing) {
  GatewayHarness harness;
  harness.start_gateway();
  // A receive in progress in the live daemon's spool.
  const auto receiving = harness.dir() / "spool" / ".incoming" / "in-progress.dcm";
  std::ofstream(receiving) << "DICM the first bytes of a dataset";

  std::string output;
  const int status = run_command(kGatewayBinary, {"run", "--config", harness.config_path()}, output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("in use by process " + std::to_string(harness.gateway().pid())),
            std::string::npos)
      << output;
  EXPECT_TRUE(std::filesystem::exists(receiving)) << "the live daemon's receive was deleted";
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1)) << "the running daemon is unharmed";
}

TEST(ExactlyOnce, TheFirstSighupAfterAPastKeyPauseDoesNotMakeBackedOffStudiesDue) {
  GatewayHarness harness;
  harness.set_retry_yaml("{ initial: 100ms, max: 2h }");  // Retry-After is capped by max
  harness.start_gateway();
  sim::Fault refused;
  refused.status = 401;
  refused.count = 1;
  harness.simulator().set_fault(refused);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.gateway().wait_for_line("event=alarm_api_key_rejected", 10s));
  ::kill(harness.gateway().pid(), SIGHUP);  // the key was "replaced": the pause ends
  ASSERT_TRUE(harness.wait_for_registrations(1, 20s)) << harness.gateway().output();

  // Now a study backed off by Retry-After: 1 h. A later SIGHUP must not send it early.
  sim::Fault busy;
  busy.status = 503;
  busy.retry_after = "3600";
  busy.count = 1;
  harness.simulator().set_fault(busy);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("mr_brain_latin1_i1")}).associated);
  ASSERT_TRUE(harness.gateway().wait_for_line("event=registration_retry", 10s));
  const std::size_t posts = harness.creates().size();
  ::kill(harness.gateway().pid(), SIGHUP);
  ASSERT_TRUE(harness.gateway().wait_for_count("event=config_reloaded", 2, 10s));
  std::this_thread::sleep_for(1500ms);  // more than the dispatcher's 1 s look for due studies
  EXPECT_EQ(harness.creates().size(), posts) << "Retry-After was ignored after the SIGHUP";
}

TEST(ExactlyOnce, FailedRequestsKeepTheResponseBodyOutOfLogsAndHistory) {
  // An API that echoes the request would put the study description into the log.
  GatewayHarness harness;
  harness.start_gateway();
  sim::Fault rejected;
  rejected.status = 422;
  rejected.count = 1;
  harness.simulator().set_fault(rejected);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.gateway().wait_for_line("event=study_failed", 10s));
  std::string show;
  harness.studies_command({"studies", "show", kStudy}, show);
  EXPECT_NE(show.find("HTTP 422"), std::string::npos) << show;
  for (const std::string& text : {harness.gateway().output(), show}) {
    EXPECT_EQ(text.find("\"error\""), std::string::npos) << "the JSON error body leaked:\n" << text;
  }
}

TEST(ExactlyOnce, AFileUnderTheInstancesNameThatWasNeverRecordedIsReplacedNotTrusted) {
  // storage.on_duplicate: keep (the default) keeps a copy already durable. A file that merely
  // exists under the name (a concurrent duplicate still being committed, or one whose
  // flush failed) is no such copy: the received instance is spooled and synced instead.
  GatewayHarness harness;
  harness.start_gateway();
  const auto leftover = harness.dir() / "spool" / kStudy / (kStudy + ".1.1.dcm");
  std::filesystem::create_directories(leftover.parent_path());
  std::ofstream(leftover) << "DICM not durable, not recorded";
  const SendResult sent = send_files(harness.sender(), {harness.fixture("cr_no_description")});
  ASSERT_EQ(sent.statuses, std::vector<std::uint16_t>{0x0000});
  ASSERT_TRUE(harness.wait_for_registrations(1)) << harness.gateway().output();
  std::ifstream spooled(leftover, std::ios::binary);
  std::string magic(132, '\0');
  spooled.read(magic.data(), 132);
  EXPECT_EQ(magic.substr(128), "DICM") << "the acknowledged instance is the one in the spool";
  EXPECT_EQ(harness.gateway().count_lines("event=instance_duplicate_kept"), 0);
}

TEST(ExactlyOnce, ASopUidSeenBeforeUnderAnotherStudyIsAdoptedAfterAPowerCut) {
  // Senders do reuse SOP Instance UIDs across studies. The start-up check used to match spooled
  // files by SOP UID alone, so the second study's instance, spooled but not yet recorded when
  // the power went, was taken as known and the study was lost.
  const std::string first = "1.2.826.0.1.3680043.10.543.901";
  const std::string second = "1.2.826.0.1.3680043.10.543.902";
  const std::string sop = "1.2.826.0.1.3680043.10.543.901.1.1";
  GatewayHarness harness;
  harness.start_gateway();
  const std::string sent = (harness.dir() / "first.dcm").string();
  write_instance(sent, {first, sop, "MR", "First"});
  ASSERT_TRUE(send_files(harness.sender(), {sent}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1));
  EXPECT_EQ(harness.stop_gateway(), 0);
  // What a power cut after the rename and before the arrival's commit leaves behind.
  const auto spooled = harness.dir() / "spool" / second / (sop + ".dcm");
  std::filesystem::create_directories(spooled.parent_path());
  write_instance(spooled.string(), {second, sop, "MR", "Second"});

  harness.start_gateway();
  const auto reconciled = harness.gateway().wait_for_line("event=spool_reconciled", 5s);
  ASSERT_TRUE(reconciled) << harness.gateway().output();
  EXPECT_EQ(log_field(*reconciled, "adopted"), "1");
  ASSERT_TRUE(harness.wait_for_registrations(1)) << harness.gateway().output();
  EXPECT_EQ(harness.registry_view().at(second).first, "registered");
  EXPECT_EQ(harness.simulator().studies_created(), 2u);
}

TEST(ExactlyOnce, ALongTextValueUnderIsoIr100LeavesTheDescriptionIntactInTheRegistration) {
  // DCMTK leaves values over 4 KiB on disk and reloads them by the path it parsed. The facts
  // used to be read after the spool's rename: the first instance's StudyDescription reached
  // the viewer as U+FFFD.
  GatewayHarness harness;
  harness.start_gateway();
  const std::string study = "1.2.826.0.1.3680043.10.543.910";
  DicomBytes d;
  d.element(0x0008, 0x0005, "CS", "ISO_IR 100")
      .element(0x0008, 0x0016, "UI", std::string(kCtImageStorage))
      .element(0x0008, 0x0018, "UI", study + ".1.1")
      .element(0x0008, 0x0060, "CS", "CT")
      .element(0x0008, 0x1030, "LO", "Cr\xE2ne et c\xF4tes")  // "Crâne et côtes" in Latin-1
      .element(0x0020, 0x000D, "UI", study)
      .element(0x0020, 0x000E, "UI", study + ".1")
      .element(0x0020, 0x4000, "LT", std::string(6 * 1024, 'x'))
      .element(0x7FE0, 0x0010, "OW", std::string(512, '\x5a'));
  const auto answer = send_raw_store(harness.sender().port, std::string(kCtImageStorage),
                                     study + ".1.1", std::string(kExplicitLittle), d.bytes());
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  ASSERT_EQ(*answer.status, 0x0000) << answer.error_comment;
  ASSERT_TRUE(harness.wait_for_registrations(1)) << harness.gateway().output();
  const auto bodies = harness.create_bodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0].at("studyDescription").as_string(), "Cr\xC3\xA2ne et c\xC3\xB4tes");
}

}  // namespace
}  // namespace gw::test
