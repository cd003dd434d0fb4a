// The daemon's alarms reach a webhook: the real dicom-gateway process, a real simulator, and a
// receiver started inside the test. What an administrator without Prometheus sees.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <chrono>

#include "dicom_files.hpp"
#include "gateway_harness.hpp"
#include "webhook_receiver.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;
using alerts::test::WebhookReceiver;

std::string alerts_yaml(const WebhookReceiver& receiver) {
  return "alerts:\n  webhooks:\n    - url: " + receiver.url() + "\n";
}

/// The alarm names the receiver got, in order.
std::vector<std::string> alarms(const WebhookReceiver& receiver) {
  std::vector<std::string> out;
  for (const auto& r : receiver.requests()) out.emplace_back(boost::json::parse(r.body).at("alarm").as_string());
  return out;
}

TEST(DaemonAlerts, AStudyTheViewerRefusesForGoodIsPostedToTheWebhookWithoutPatientData) {
  WebhookReceiver receiver;
  GatewayHarness harness;
  harness.start_gateway(alerts_yaml(receiver));
  sim::Fault refused;
  refused.status = 422;
  refused.count = 1;
  harness.simulator().set_fault(refused);
  const std::string study = "1.2.826.0.1.3680043.10.543.777";
  const std::string file = (harness.dir() / "refused.dcm").string();
  write_instance(file, {study, study + ".1", "CT", "Refused study", "Secret^Patient"});
  ASSERT_TRUE(send_files(harness.sender(), {file}).associated);

  ASSERT_TRUE(receiver.wait_for_requests(1)) << harness.gateway().output();
  const auto request = receiver.requests().front();
  const auto body = boost::json::parse(request.body).as_object();
  EXPECT_EQ(body.at("alarm").as_string(), "study_failed");
  EXPECT_EQ(body.at("state").as_string(), "raised");
  EXPECT_EQ(body.at("study").as_string(), study);
  EXPECT_EQ(request.body.find("Secret"), std::string::npos) << "the patient's name was posted";
  EXPECT_EQ(harness.gateway().output().find("Secret"), std::string::npos) << "the patient's name was logged";
}

TEST(DaemonAlerts, ARefusedKeyRaisesTheAuthPauseAlarmOnce) {
  WebhookReceiver receiver;
  GatewayHarness harness;
  harness.start_gateway(alerts_yaml(receiver));
  sim::Fault refused;
  refused.status = 401;
  harness.simulator().set_fault(refused);
  std::vector<std::string> files;
  for (int i = 1; i <= 3; ++i) {
    const std::string study = "1.2.826.0.1.3680043.10.543.78" + std::to_string(i);
    files.push_back((harness.dir() / ("s" + std::to_string(i) + ".dcm")).string());
    write_instance(files.back(), {study, study + ".1"});
  }
  ASSERT_TRUE(send_files(harness.sender(), files).associated);
  // The alarm board looks every 2 s: one alarm for the pause, however many studies wait.
  ASSERT_TRUE(receiver.wait_for_requests(1)) << harness.gateway().output();
  std::this_thread::sleep_for(2500ms);  // one more look of the board: no second alarm
  EXPECT_EQ(alarms(receiver), std::vector<std::string>{"auth_paused"});
}

}  // namespace
}  // namespace gw::test
