// A study's whole path: C-STORE over loopback → spool and registry → rules → one
// registration on the Viewer API simulator, over verified TLS.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "gateway_harness.hpp"

namespace gw::test {
namespace {

std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

const boost::json::object* find_study(const std::vector<boost::json::object>& bodies,
                                      const std::string& uid) {
  for (const auto& b : bodies) {
    if (str(b, "studyInstanceUid") == uid) return &b;
  }
  return nullptr;
}

constexpr const char* kCtStudy = "1.2.826.0.1.3680043.10.543.1";
constexpr const char* kMrStudy = "1.2.826.0.1.3680043.10.543.2";
constexpr const char* kCrStudy = "1.2.826.0.1.3680043.10.543.3";
constexpr const char* kJapaneseStudy = "1.2.826.0.1.3680043.10.543.4";

class EndToEnd : public testing::Test {
 protected:
  void SetUp() override { harness_.start_gateway(); }
  GatewayHarness harness_;
};

TEST_F(EndToEnd, RegistersEveryStudyOnceWithEveryFieldAsTheRulesSay) {
  const auto sent = send_files(harness_.sender(),
                               {harness_.fixture("ct_chest_s1_i1"), harness_.fixture("ct_chest_s1_i2"),
                                harness_.fixture("ct_chest_s2_i1"), harness_.fixture("ct_chest_s2_i2"),
                                harness_.fixture("mr_brain_latin1_i1"), harness_.fixture("mr_brain_latin1_i2"),
                                harness_.fixture("cr_no_description"), harness_.fixture("mr_head_japanese"),
                                harness_.fixture("ct_phantom")});
  ASSERT_TRUE(sent.associated) << sent.error;
  EXPECT_EQ(sent.statuses, std::vector<std::uint16_t>(9, 0x0000));
  ASSERT_TRUE(harness_.wait_for_registrations(4)) << harness_.gateway().output();

  const auto bodies = harness_.create_bodies();
  ASSERT_EQ(bodies.size(), 4u) << "one request per study; the phantom is ignored";

  const auto* ct = find_study(bodies, kCtStudy);
  ASSERT_TRUE(ct);
  EXPECT_EQ(str(*ct, "studyDescription"), "CT Chest with contrast");
  EXPECT_EQ(str(*ct, "severity"), "high");
  EXPECT_EQ(str(*ct, "assignedTo"), kUser);
  EXPECT_EQ(str(*ct, "expressCustomerId"), kCustomer);
  EXPECT_EQ(ct->at("metadata").as_object().at("department").as_string(), "radiology");

  const auto* mr = find_study(bodies, kMrStudy);
  ASSERT_TRUE(mr);
  EXPECT_EQ(str(*mr, "studyDescription"), "IRM c\xC3\xA9r\xC3\xA9" "brale avec gadolinium")
      << "Latin-1 arrives as UTF-8";
  EXPECT_EQ(str(*mr, "severity"), "normal");
  EXPECT_EQ(str(*mr, "expressCustomerId"), kOtherCustomer) << "the default rule";
  EXPECT_FALSE(mr->contains("assignedTo"));

  const auto* cr = find_study(bodies, kCrStudy);
  ASSERT_TRUE(cr);
  EXPECT_EQ(str(*cr, "studyDescription"), "DICOM study") << "the fallback, never empty";

  const auto* jp = find_study(bodies, kJapaneseStudy);
  ASSERT_TRUE(jp);
  EXPECT_EQ(str(*jp, "studyDescription"), "\xE9\xA0\xAD\xE9\x83\xA8 MRI")
      << "ISO 2022 IR 87 arrives as UTF-8 (頭部 MRI)";

  std::set<std::string> keys;
  for (const auto& r : harness_.creates()) {
    EXPECT_TRUE(r.authorized) << "the bearer key from the environment was sent";
    EXPECT_EQ(r.idempotency_key.size(), 32u);
    keys.insert(r.idempotency_key);
  }
  EXPECT_EQ(keys.size(), 4u) << "each study has its own idempotency key";
  EXPECT_EQ(harness_.gateway().count_lines("Doe^Jane"), 0) << "no patient name in the log";
  EXPECT_EQ(harness_.gateway().count_lines(kApiKey), 0) << "never the API key";
}

TEST_F(EndToEnd, TwoAssociationsSendingOneStudyAtOnceGiveOneRegistration) {
  SendResult a, b;
  std::thread first([&] {
    a = send_files(harness_.sender(), {harness_.fixture("ct_chest_s1_i1"), harness_.fixture("ct_chest_s1_i2")});
  });
  std::thread second([&] {
    b = send_files(harness_.sender(), {harness_.fixture("ct_chest_s2_i1"), harness_.fixture("ct_chest_s2_i2")});
  });
  first.join();
  second.join();
  ASSERT_TRUE(a.associated && b.associated) << a.error << b.error;
  EXPECT_EQ(a.statuses, std::vector<std::uint16_t>(2, 0x0000));
  EXPECT_EQ(b.statuses, std::vector<std::uint16_t>(2, 0x0000));
  ASSERT_TRUE(harness_.wait_for_registrations(1));
  // A second study, sent afterwards, marks the point by which any duplicate would exist.
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness_.wait_for_registrations(2));
  EXPECT_EQ(harness_.creates().size(), 2u);
  EXPECT_EQ(harness_.gateway().count_lines("event=study_first_seen study_uid=" + std::string(kCtStudy)), 1);
}

TEST_F(EndToEnd, AStudySentAgainAfterItWasRegisteredGivesNoSecondRegistration) {
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("ct_chest_s1_i1")}).associated);
  ASSERT_TRUE(harness_.wait_for_registrations(1));
  const auto again = send_files(harness_.sender(), {harness_.fixture("ct_chest_s1_i1"),
                                                    harness_.fixture("ct_chest_s1_i2")});
  EXPECT_EQ(again.statuses, std::vector<std::uint16_t>(2, 0x0000)) << "duplicates are accepted";
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness_.wait_for_registrations(2));
  EXPECT_EQ(harness_.creates().size(), 2u);
}

TEST_F(EndToEnd, AFileWithoutStudyInstanceUidIsRefusedAndTheAssociationGoesOn) {
  const auto sent = send_files(harness_.sender(), {harness_.fixture("no_study_uid"),
                                                   harness_.fixture("cr_no_description")});
  ASSERT_TRUE(sent.associated) << sent.error;
  ASSERT_EQ(sent.statuses.size(), 2u);
  EXPECT_EQ(sent.statuses[0], 0xC000) << "the sender sees Error: cannot understand";
  EXPECT_EQ(sent.statuses[1], 0x0000);
  ASSERT_TRUE(harness_.wait_for_registrations(1));
  EXPECT_EQ(harness_.creates().size(), 1u);
  EXPECT_TRUE(harness_.gateway().wait_for_line("reason=\"missing StudyInstanceUID\"",
                                               std::chrono::seconds(1)))
      << "the administrator sees why in the log";
}

TEST_F(EndToEnd, StorescuFromDcmtkRegistersAStudy) {
  std::string output;
  const int code = run_command(GW_STORESCU_PATH,
                               {"-aet", "CT02", "-aec", "AVARA_GW", "127.0.0.1",
                                std::to_string(harness_.sender().port),
                                harness_.fixture("ct_chest_s1_i1")},
                               output);
  EXPECT_EQ(code, 0) << output;
  ASSERT_TRUE(harness_.wait_for_registrations(1)) << harness_.gateway().output();
  const auto bodies = harness_.create_bodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(str(bodies[0], "severity"), "high") << "calling AE CT02 is in the ct-urgent list";
}

TEST_F(EndToEnd, ATransientUpstreamFailureIsRetriedUntilTheStudyIsRegistered) {
  sim::Fault fault;
  fault.status = 503;
  fault.count = 2;
  harness_.simulator().set_fault(fault);
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness_.wait_for_registrations(1)) << harness_.gateway().output();
  EXPECT_EQ(harness_.gateway().count_lines("event=registration_retry"), 2);
  const auto creates = harness_.creates();
  ASSERT_EQ(creates.size(), 3u);
  EXPECT_EQ(creates[0].idempotency_key, creates[2].idempotency_key)
      << "every retry carries the same idempotency key";
  EXPECT_EQ(harness_.simulator().studies_created(), 1u);
}

TEST_F(EndToEnd, SigtermStopsCleanlyAndARestartSendsNothingTwice) {
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness_.wait_for_registrations(1));
  EXPECT_EQ(harness_.stop_gateway(), 0);
  harness_.start_gateway();
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("mr_head_japanese")}).associated);
  ASSERT_TRUE(harness_.wait_for_registrations(1));
  EXPECT_EQ(harness_.creates().size(), 2u) << "the registered study is known after the restart";
}

}  // namespace
}  // namespace gw::test
