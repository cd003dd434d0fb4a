// The typed metrics object on its own registry: what a first scrape shows, the bounded
// calling_ae label across a reload, and that its exposition follows the conventions.
#include <gtest/gtest.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <memory>

#include "exposition.hpp"
#include "gateway/build_info.hpp"
#include "gateway/metrics/gateway_metrics.hpp"

namespace gw::test {
namespace {

using metrics::GatewayMetrics;

TEST(GatewayMetrics, AFirstScrapeShowsTheKnownLabelValuesAtZero) {
  GatewayMetrics m({"CT_1"});
  const Exposition e = parse_exposition(m.render());
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "CT_1"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "other"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_associations_rejected_total", {{"reason", "local_limit"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_store_failures_total", {{"status", "A700"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_registration_attempts_total", {{"outcome", "unauthorized"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_studies_routed_total", {{"action", "register"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_config_reloads_total", {{"result", "rejected"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_alerts_total", {{"result", "dropped_queue_full"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_cstore_duration_seconds_count"), 0);
  EXPECT_EQ(e.types.at("dicom_gateway_cstore_duration_seconds"), "histogram");
}

TEST(GatewayMetrics, InAFleetEverySeriesNamesItsNode) {
  // Three gateways on one PostgreSQL state: a dashboard sums them or splits them by node.
  GatewayMetrics m({"CT_1"});
  m.set_node_label("gw-b");
  m.association_accepted("CT_1");
  const Exposition e = parse_exposition(m.render());
  ASSERT_FALSE(e.samples.empty());
  for (const auto& sample : e.samples) {
    const auto node = sample.labels.find("node");
    EXPECT_TRUE(node != sample.labels.end() && node->second == "gw-b") << sample.name;
  }
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "CT_1"}, {"node", "gw-b"}}), 1);
  EXPECT_TRUE(convention_problems(e).empty());
  // One gateway on SQLite: no node label (the scrape's instance label says which).
  EXPECT_FALSE(parse_exposition(GatewayMetrics({"CT_1"}).render()).has(
      "dicom_gateway_associations_total", {{"node", "gw-b"}}));
}

TEST(GatewayMetrics, ACallerNotConfiguredCountsAsOther) {
  GatewayMetrics m({"CT_1"});
  m.association_accepted("CT_1");
  m.association_accepted("UNLISTED");
  m.association_accepted("ANOTHER");
  m.instance_received("UNLISTED", 100);
  const Exposition e = parse_exposition(m.render());
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "CT_1"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "other"}}), 2);
  EXPECT_FALSE(e.has("dicom_gateway_associations_total", {{"calling_ae", "UNLISTED"}}));
  EXPECT_EQ(e.value("dicom_gateway_instances_received_total", {{"calling_ae", "other"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_received_bytes_total"), 100);
}

TEST(GatewayMetrics, AReloadAddsNewCallersAtZeroAndKeepsTheSeriesOfRemovedOnes) {
  GatewayMetrics m({"CT_1"});
  m.association_accepted("CT_1");
  m.set_known_callers({"MR_2"});
  m.association_accepted("CT_1");  // no longer listed: other
  const Exposition e = parse_exposition(m.render());
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "MR_2"}}), 0);
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "CT_1"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "other"}}), 1);
}

TEST(GatewayMetrics, TheLastRegistrationIsAbsentUntilTheFirstRatherThanZero) {
  GatewayMetrics m;
  EXPECT_FALSE(m.last_registration().has_value());
  EXPECT_FALSE(parse_exposition(m.render()).has("dicom_gateway_last_registration_timestamp_seconds"));
  m.study_registered(1.7e9);
  EXPECT_EQ(m.last_registration(), 1.7e9);
  EXPECT_EQ(parse_exposition(m.render()).value("dicom_gateway_last_registration_timestamp_seconds"), 1.7e9);
}

TEST(GatewayMetrics, BuildInfoAndProcessStartTimeAreExposed) {
  GatewayMetrics m;
  const Exposition e = parse_exposition(m.render());
  EXPECT_EQ(e.value("dicom_gateway_build_info", {{"version", std::string(build_info::version())},
                                                 {"commit", std::string(build_info::commit())}}),
            1);
  const double started = e.value("process_start_time_seconds");
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(started, now - 24 * 3600.0 * 365);  // this test process started before now
  EXPECT_LE(started, now + 1);
}

TEST(GatewayMetrics, EveryEventIsCountedInItsFamily) {
  GatewayMetrics m;
  m.association_rejected("idle_timeout");
  m.store_failed(0xA700);
  m.cstore_finished(0.02);
  m.commitment_request("accepted");
  m.commitment_instances("0112", 2);
  m.commitment_report("new_association", "delivered");
  m.study_routed(true);
  m.registration_attempt("created", 0.3);
  m.config_reload(true);
  m.alert_result("delivered", 3);
  const Exposition e = parse_exposition(m.render());
  EXPECT_EQ(e.value("dicom_gateway_associations_rejected_total", {{"reason", "idle_timeout"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_store_failures_total", {{"status", "A700"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_cstore_duration_seconds_bucket", {{"le", "0.025"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_commitment_requests_total", {{"result", "accepted"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_commitment_instances_total", {{"result", "0112"}}), 2);
  EXPECT_EQ(e.value("dicom_gateway_commitment_reports_total",
                    {{"via", "new_association"}, {"outcome", "delivered"}}),
            1);
  EXPECT_EQ(e.value("dicom_gateway_studies_routed_total", {{"action", "ignore"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_registration_attempts_total", {{"outcome", "created"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_registration_duration_seconds_count"), 1);
  EXPECT_EQ(e.value("dicom_gateway_config_reloads_total", {{"result", "applied"}}), 1);
  EXPECT_EQ(e.value("dicom_gateway_alerts_total", {{"result", "delivered"}}), 3);
}

/// A scrape-time series, as the app's collectable adds them.
class OneGauge final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::ClientMetric m;
    m.gauge.value = 7;
    return {{"dicom_gateway_test_gauge", "a test", prometheus::MetricType::Gauge, {m}}};
  }
};

TEST(GatewayMetrics, ACollectableIsRenderedWhileItLives) {
  GatewayMetrics m;
  auto gauge = std::make_shared<OneGauge>();
  m.add_collectable(gauge);
  EXPECT_EQ(parse_exposition(m.render()).value("dicom_gateway_test_gauge"), 7);
  gauge.reset();
  EXPECT_FALSE(parse_exposition(m.render()).has("dicom_gateway_test_gauge"));
}

TEST(GatewayMetrics, ItsExpositionFollowsTheNamingConventions) {
  GatewayMetrics m({"CT_1"});
  m.study_registered(1.7e9);
  m.cstore_finished(1);
  const auto problems = convention_problems(parse_exposition(m.render()));
  EXPECT_TRUE(problems.empty()) << testing::PrintToString(problems);
}

TEST(Exposition, TheConventionCheckCatchesWhatItIsFor) {
  const std::string bad =
      "# TYPE a_count counter\na_count 1\n# TYPE b_total gauge\nb_total -1\n"
      "# TYPE c histogram\nc_count 0\nd 1\n";
  const auto problems = convention_problems(parse_exposition(bad));
  EXPECT_EQ(problems.size(), 5u) << testing::PrintToString(problems);
}

}  // namespace
}  // namespace gw::test
