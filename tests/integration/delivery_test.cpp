// Delivery through failures: the upstream refuses, throttles or disappears, and every
// acknowledged study is still registered once.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "dicom_files.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

/// `count` one-instance studies written into the harness folder; returns their paths.
std::vector<std::string> make_studies(const GatewayHarness& harness, int count) {
  std::vector<std::string> files;
  for (int i = 1; i <= count; ++i) {
    const std::string study = "1.2.826.0.1.3680043.10.543.900." + std::to_string(i);
    const std::string path = (harness.dir() / ("gen" + std::to_string(i) + ".dcm")).string();
    write_instance(path, {study, study + ".1.1", "MR", "Generated study " + std::to_string(i)});
    files.push_back(path);
  }
  return files;
}

std::string studies(const GatewayHarness& harness, std::vector<std::string> args) {
  args.insert(args.begin(), "studies");
  args.push_back("--config");
  args.push_back(harness.config_path());
  std::string output;
  run_command(kGatewayBinary, args, output);
  return output;
}

TEST(Delivery, FiftyStudiesArrivingDuringAThirtySecondOutageAreAcceptedAndAllRegisteredOnce) {
  GatewayHarness harness;
  harness.start_gateway();
  // For 30 s the viewer closes every connection without answering, as an API behind a
  // restarting load balancer would.
  sim::Fault dropped;
  dropped.drop = true;
  harness.simulator().set_fault(dropped);
  const auto outage_started = std::chrono::steady_clock::now();
  const auto files = make_studies(harness, 50);
  const auto sent = send_files(harness.sender(), files);
  ASSERT_TRUE(sent.associated) << sent.error;
  EXPECT_EQ(sent.statuses, std::vector<std::uint16_t>(50, 0x0000))
      << "every C-STORE succeeds while the API is down";
  ASSERT_TRUE(harness.gateway().wait_for_count("event=registration_retry", 50, std::chrono::seconds(30)));
  std::this_thread::sleep_until(outage_started + std::chrono::seconds(30));
  EXPECT_EQ(harness.simulator().studies_created(), 0u);
  harness.simulator().clear_faults();
  ASSERT_TRUE(harness.wait_for_registrations(50, std::chrono::seconds(60)))
      << harness.gateway().output();
  EXPECT_EQ(harness.simulator().studies_created(), 50u) << "each study once";
}

TEST(Delivery, RetryAfterFromA429DelaysTheNextAttempt) {
  GatewayHarness harness;
  harness.start_gateway("");
  sim::Fault throttle;
  throttle.status = 429;
  throttle.retry_after = "3";
  throttle.count = 1;
  harness.simulator().set_fault(throttle);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  const auto retry = harness.gateway().wait_for_line("event=registration_retry", std::chrono::seconds(10));
  ASSERT_TRUE(retry);
  // The retry policy caps Retry-After at retry.max (1s in the test configuration).
  EXPECT_EQ(log_field(*retry, "retry_in_ms"), "1000") << *retry;
  ASSERT_TRUE(harness.wait_for_registrations(1));
}

TEST(Delivery, APermanentErrorMarksTheStudyFailedUntilAnOperatorRetriesIt) {
  GatewayHarness harness;
  harness.start_gateway();
  sim::Fault refuse;
  refuse.status = 400;
  refuse.count = 1;
  harness.simulator().set_fault(refuse);
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.gateway().wait_for_line("event=study_failed", std::chrono::seconds(10)));

  const std::string uid = "1.2.826.0.1.3680043.10.543.3";
  const std::string shown = studies(harness, {"show", uid});
  EXPECT_NE(shown.find("state            failed"), std::string::npos) << shown;
  EXPECT_NE(shown.find("permanent\t400"), std::string::npos) << "the attempt history:\n" << shown;
  EXPECT_NE(studies(harness, {"list", "--state", "failed"}).find(uid), std::string::npos);

  EXPECT_NE(studies(harness, {"retry", uid}).find("queued again (same registration"), std::string::npos);
  ASSERT_TRUE(harness.wait_for_registrations(1)) << "the running daemon notices the retry";
  EXPECT_NE(studies(harness, {"show", uid}).find("state            registered"), std::string::npos);
}

TEST(Delivery, ResendMakesANewRegistrationAndForgetLetsTheNextInstanceRegisterAgain) {
  GatewayHarness harness;
  harness.start_gateway();
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1));
  const std::string uid = "1.2.826.0.1.3680043.10.543.3";

  studies(harness, {"resend", uid});
  ASSERT_TRUE(harness.wait_for_registrations(2));
  auto creates = harness.creates();
  ASSERT_EQ(creates.size(), 2u);
  EXPECT_NE(creates[0].idempotency_key, creates[1].idempotency_key);

  studies(harness, {"forget", uid});
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(3));
  EXPECT_EQ(harness.creates().size(), 3u);
}

TEST(Delivery, ListAsJsonCarriesEveryStudy) {
  GatewayHarness harness;
  harness.start_gateway();
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description"),
                                            harness.fixture("ct_phantom")}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1));
  const auto parsed = boost::json::parse(studies(harness, {"list", "--json"}));
  ASSERT_TRUE(parsed.is_array());
  EXPECT_EQ(parsed.as_array().size(), 2u);
}

TEST(Delivery, AnOutageTripsTheBreakerOnceAndEveryStudyIsRegisteredOnceAfterIt) {
  GatewayHarness harness;
  harness.start_gateway();
  sim::Fault outage;
  outage.status = 503;
  harness.simulator().set_fault(outage);
  const auto backlog = make_studies(harness, 20);
  ASSERT_TRUE(send_files(harness.sender(), backlog).associated);
  // Five failures in a row (viewer_api.retry.probe_after_failures): one alarm, then probing.
  ASSERT_TRUE(harness.gateway().wait_for_line("event=alarm_viewer_api_unavailable",
                                              std::chrono::seconds(20)));
  const std::string late_path = (harness.dir() / "late.dcm").string();
  const std::string late_uid = "1.2.826.0.1.3680043.10.543.901.1";
  write_instance(late_path, {late_uid, late_uid + ".1.1", "MR", "Arrived during the outage"});
  ASSERT_TRUE(send_files(harness.sender(), {late_path}).associated);
  ASSERT_TRUE(harness.gateway().wait_for_count("event=registration_retry", 30, std::chrono::seconds(20)));
  EXPECT_EQ(harness.gateway().count_lines("event=alarm_viewer_api_unavailable"), 1)
      << "one alarm per outage, not one per failure";

  harness.simulator().clear_faults();
  ASSERT_TRUE(harness.wait_for_registrations(21, std::chrono::seconds(60))) << harness.gateway().output();
  EXPECT_EQ(harness.gateway().count_lines("event=viewer_api_recovered"), 1);
  EXPECT_EQ(harness.simulator().studies_created(), 21u);
  // The order of the drain (oldest and newest alternating) is checked where it is
  // deterministic: tests/app/dispatch_order_test.cpp. Here the backoff jitter decides when each
  // study is due again.
}

TEST(Delivery, RetentionZeroRemovesARegisteredStudysFilesButNeverThoseOfAPendingOne) {
  GatewayHarness harness;
  harness.add_storage_setting("retention", "0s");
  harness.start_gateway();
  const auto files = make_studies(harness, 2);
  const auto spool = harness.dir() / "spool";
  const std::string registered = "1.2.826.0.1.3680043.10.543.900.1";
  const std::string pending = "1.2.826.0.1.3680043.10.543.900.2";

  ASSERT_TRUE(send_files(harness.sender(), {files[0]}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1));
  ASSERT_TRUE(harness.gateway().wait_for_line("event=spool_retention_sweep", std::chrono::seconds(10)))
      << harness.gateway().output();
  EXPECT_FALSE(std::filesystem::exists(spool / registered)) << "removed once registered";

  sim::Fault outage;
  outage.status = 503;
  harness.simulator().set_fault(outage);
  ASSERT_TRUE(send_files(harness.sender(), {files[1]}).associated);
  // Several sweeps (one a second) pass while the second study waits.
  ASSERT_TRUE(harness.gateway().wait_for_count("event=registration_retry", 3, std::chrono::seconds(20)));
  EXPECT_TRUE(std::filesystem::exists(spool / pending / (pending + ".1.1.dcm")))
      << "a study not yet registered keeps its files";
  EXPECT_NE(studies(harness, {"show", registered}).find("state            registered"), std::string::npos);
}

}  // namespace
}  // namespace gw::test
