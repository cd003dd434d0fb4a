// A real gateway scraped over HTTP after a C-STORE: the C-STORE histogram, the calling_ae
// label bounded by dicom.allowed_callers, the build identity and start time, no negative
// values, every family named by the conventions, and every metric the shipped alert rules and
// Grafana dashboard use present (so a rename cannot silently break them).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "dicom_sender.hpp"
#include "exposition.hpp"
#include "gateway_harness.hpp"
#include "http_get.hpp"
#include "text_file.hpp"

namespace gw::test {
namespace {

/// Every dicom_gateway_* and process_* name in `text` (PromQL or JSON holding PromQL).
std::set<std::string> metric_names(const std::string& text) {
  static const std::regex name(R"(\b(dicom_gateway_[a-z_]+|process_[a-z_]+)\b)");
  std::set<std::string> names;
  for (std::sregex_iterator it(text.begin(), text.end(), name), end; it != end; ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

class GatewayScrape : public testing::Test {
 protected:
  void SetUp() override {
    harness_.add_dicom_setting(
        "  allowed_callers:\n"
        "    - { ae_title: TEST_SCU }\n"
        "    - { ae_title: CT_LISTED }\n");
    harness_.start_gateway();
  }
  Exposition scrape() {
    const auto answer = http_get(harness_.metrics_port(), "/metrics");
    EXPECT_EQ(answer.status, 200);
    text_ = answer.body;
    return parse_exposition(answer.body);
  }
  /// One registered study (sent as TEST_SCU) and a C-ECHO from an unlisted AE title, which
  /// always_allow_echo admits.
  void send_one_study_and_a_stranger_echo() {
    ASSERT_TRUE(send_files(harness_.sender(), {harness_.fixture("ct_chest_s1_i1")}).associated);
    ASSERT_TRUE(harness_.wait_for_registrations(1)) << harness_.gateway().output();
    SendOptions stranger = harness_.sender();
    stranger.calling_ae = "STRANGER";
    ASSERT_TRUE(echo(stranger));
  }
  GatewayHarness harness_;
  std::string text_;
};

TEST_F(GatewayScrape, ACStoreShowsInTheHistogramAndAnUnlistedCallerCountsAsOther) {
  send_one_study_and_a_stranger_echo();
  const Exposition e = scrape();
  EXPECT_EQ(e.types.at("dicom_gateway_cstore_duration_seconds"), "histogram") << text_;
  EXPECT_EQ(e.value("dicom_gateway_cstore_duration_seconds_count"), 1) << text_;
  EXPECT_EQ(e.value("dicom_gateway_cstore_duration_seconds_bucket", {{"le", "+Inf"}}), 1) << text_;
  EXPECT_GT(e.value("dicom_gateway_cstore_duration_seconds_sum"), 0) << text_;
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "TEST_SCU"}}), 1) << text_;
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "other"}}), 1) << text_;
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "CT_LISTED"}}), 0) << text_;
  EXPECT_FALSE(e.has("dicom_gateway_associations_total", {{"calling_ae", "STRANGER"}})) << text_;
  EXPECT_EQ(e.value("dicom_gateway_instances_received_total", {{"calling_ae", "TEST_SCU"}}), 1) << text_;
}

TEST_F(GatewayScrape, BuildInfoAndTheProcessStartTimeAreExposed) {
  const Exposition e = scrape();
  bool found = false;
  for (const Sample& s : e.samples) {
    if (s.name != "dicom_gateway_build_info") continue;
    found = true;
    EXPECT_EQ(s.value, 1);
    EXPECT_TRUE(std::regex_match(s.labels.at("version"), std::regex(R"(\d+\.\d+\.\d+.*)"))) << text_;
    EXPECT_FALSE(s.labels.at("commit").empty()) << text_;
  }
  EXPECT_TRUE(found) << text_;
  // The child started within the last minute (the harness waited for its port).
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(e.value("process_start_time_seconds"), now - 60) << text_;
  EXPECT_LE(e.value("process_start_time_seconds"), now + 1) << text_;
  EXPECT_EQ(e.value("dicom_gateway_ready"), 1) << text_;
}

TEST_F(GatewayScrape, EveryFamilyFollowsTheNamingConventionsAndNoValueIsNegative) {
  send_one_study_and_a_stranger_echo();
  const auto problems = convention_problems(scrape());
  EXPECT_TRUE(problems.empty()) << testing::PrintToString(problems) << "\n" << text_;
}

#ifdef GW_PROMTOOL
TEST_F(GatewayScrape, PromtoolsLinterFindsNothingToSayAboutAScrape) {
  send_one_study_and_a_stranger_echo();
  scrape();
  // `promtool check metrics` reads the exposition on stdin: naming, units, help texts.
  const std::string command = std::string(GW_PROMTOOL) + " check metrics 2>&1";
  FILE* promtool = ::popen(command.c_str(), "w");
  ASSERT_NE(promtool, nullptr);
  std::fwrite(text_.data(), 1, text_.size(), promtool);
  const int status = ::pclose(promtool);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text_;
}
#endif

TEST_F(GatewayScrape, AReloadAddsANewCallerAtZeroAndKeepsTheSeriesOfARemovedOne) {
  send_one_study_and_a_stranger_echo();
  std::string config = read_file(harness_.config_path());
  const auto listed = config.find("    - { ae_title: CT_LISTED }");
  ASSERT_NE(listed, std::string::npos) << config;
  config.replace(listed, std::string("    - { ae_title: CT_LISTED }").size(), "    - { ae_title: MR_NEW }");
  const auto scu = config.find("    - { ae_title: TEST_SCU }\n");
  config.erase(scu, std::string("    - { ae_title: TEST_SCU }\n").size());
  std::ofstream(harness_.config_path(), std::ios::trunc) << config;
  ASSERT_EQ(::kill(harness_.gateway().pid(), SIGHUP), 0);
  ASSERT_TRUE(harness_.gateway().wait_for_line("event=config_reloaded", std::chrono::seconds(10)));
  SendOptions removed = harness_.sender();  // TEST_SCU, no longer listed: an echo is `other`
  ASSERT_TRUE(echo(removed));
  const Exposition e = scrape();
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "MR_NEW"}}), 0) << text_;
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "TEST_SCU"}}), 1) << text_;
  EXPECT_EQ(e.value("dicom_gateway_associations_total", {{"calling_ae", "other"}}), 2) << text_;
}

TEST_F(GatewayScrape, EveryMetricTheAlertRulesAndTheDashboardUseIsScraped) {
  send_one_study_and_a_stranger_echo();  // the last registration's series exists from then on
  const Exposition e = scrape();
  for (const char* file : {"config/monitoring/dicom-gateway.rules.yml",
                           "config/monitoring/grafana-dashboard.json"}) {
    const std::string text = read_file(std::string(GW_SOURCE_DIR) + "/" + file);
    ASSERT_FALSE(text.empty()) << file;
    for (const std::string& name : metric_names(text)) {
      EXPECT_FALSE(e.family_of(name).empty()) << file << " uses " << name << ", not in the scrape";
    }
  }
}

}  // namespace
}  // namespace gw::test
