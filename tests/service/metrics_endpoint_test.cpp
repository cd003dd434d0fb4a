// The metrics endpoint scraped while the gateway works: its counters match what was sent,
// and /healthz and /readyz answer as an orchestrator expects.
#include <gtest/gtest.h>

#include <regex>

#include "gateway_harness.hpp"
#include "http_get.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

/// The value of the sample `series` (name with its labels, as rendered), or -1.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class MetricsEndpoint : public testing::Test {
 protected:
  void SetUp() override { harness_.start_gateway(); }
  std::string scrape() {
    const auto answer = http_get(harness_.metrics_port(), "/metrics");
    EXPECT_EQ(answer.status, 200);
    return answer.body;
  }
  GatewayHarness harness_;
};

TEST_F(MetricsEndpoint, CountersMatchWhatWasSentAndRegistered) {
  const std::string before = scrape();
  EXPECT_EQ(sample(before, "dicom_gateway_instances_received_total{calling_ae=\"other\"}"), 0) << before;
  EXPECT_EQ(sample(before, "dicom_gateway_studies{state=\"pending\"}"), 0) << before;

  const auto sent = send_files(harness_.sender(),
                               {harness_.fixture("ct_chest_s1_i1"), harness_.fixture("ct_chest_s1_i2"),
                                harness_.fixture("mr_brain_latin1_i1"), harness_.fixture("ct_phantom")});
  ASSERT_TRUE(sent.associated) << sent.error;
  const auto refused = send_files(harness_.sender(), {harness_.fixture("no_study_uid")});
  ASSERT_TRUE(harness_.wait_for_registrations(2)) << harness_.gateway().output();

  const std::string text = scrape();
  // No allowed_callers configured: every caller is `other`.
  EXPECT_EQ(sample(text, "dicom_gateway_associations_total{calling_ae=\"other\"}"), 2) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_instances_received_total{calling_ae=\"other\"}"), 4) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_cstore_duration_seconds_count"), 5) << text;
  EXPECT_GT(sample(text, "dicom_gateway_received_bytes_total"), 4 * 128) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_studies_routed_total{action=\"register\"}"), 2) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_studies_routed_total{action=\"ignore\"}"), 1) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_registration_attempts_total{outcome=\"created\"}"), 2) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_registration_duration_seconds_count"), 2) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_studies{state=\"registered\"}"), 2) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_studies{state=\"ignored\"}"), 1) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_oldest_pending_age_seconds"), 0) << text;
  EXPECT_GT(sample(text, "dicom_gateway_spool_free_bytes"), 0) << text;
  EXPECT_EQ(sample(before, "dicom_gateway_spool_flushes_total"), 0) << before;
  EXPECT_EQ(sample(text, "dicom_gateway_spool_flushes_total"), 4)
      << "one association sends one instance at a time: each waits for a flush of its own\n"
      << text;
  EXPECT_GT(sample(text, "dicom_gateway_last_registration_timestamp_seconds"), 1.6e9) << text;
  if (refused.associated && !refused.statuses.empty()) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04X", refused.statuses.front());
    EXPECT_EQ(sample(text, std::string("dicom_gateway_store_failures_total{status=\"") + hex + "\"}"), 1)
        << text;
  }
  EXPECT_NE(text.find("# TYPE dicom_gateway_registration_duration_seconds histogram"),
            std::string::npos);
}

TEST_F(MetricsEndpoint, EachRuleShowsTheStudiesItRoutedAndDeadRulesShowZero) {
  ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("cr_no_description"),
                                             harness_.fixture("ct_phantom")})
                  .associated);
  ASSERT_TRUE(harness_.wait_for_registrations(1));
  const std::string text = scrape();
  EXPECT_EQ(sample(text, "dicom_gateway_rule_studies_routed_total{rule=\"ct-urgent\"}"), 0) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_rule_studies_routed_total{rule=\"phantoms\"}"), 1) << text;
  EXPECT_EQ(sample(text, "dicom_gateway_rule_studies_routed_total{rule=\"default\"}"), 1) << text;
}

TEST_F(MetricsEndpoint, HealthAndReadinessAnswerOkWhileTheGatewayListens) {
  EXPECT_EQ(http_get(harness_.metrics_port(), "/healthz").status, 200);
  const auto ready = http_get(harness_.metrics_port(), "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(http_get(harness_.metrics_port(), "/nothing").status, 404);
}

TEST_F(MetricsEndpoint, AReloadIsCounted) {
  ::kill(harness_.gateway().pid(), SIGHUP);
  ASSERT_TRUE(harness_.gateway().wait_for_line("event=config_reloaded", 5s));
  EXPECT_EQ(sample(scrape(), "dicom_gateway_config_reloads_total{result=\"applied\"}"), 1);
}

}  // namespace
}  // namespace gw::test
