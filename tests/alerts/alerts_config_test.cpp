// The `alerts:` section of the configuration file: webhooks, alarms, retry settings.
#include <gtest/gtest.h>

#include <string>

#include "gateway/config/config_loader.hpp"

namespace gw::config {
namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

LoadResult load(const std::string& yaml) { return load_config_text(yaml + kRouting, "t.yaml", {}); }

/// The one error of `yaml`, or a failure naming them all.
Diagnostic only_error(const std::string& yaml) {
  const LoadResult r = load(yaml);
  EXPECT_FALSE(r.config);
  std::string all;
  for (const auto& d : r.diagnostics) all += to_string(d) + "\n";
  EXPECT_EQ(r.diagnostics.size(), 1u) << all;
  return r.diagnostics.empty() ? Diagnostic{} : r.diagnostics.front();
}

bool mentions(const Diagnostic& d, const std::string& text) {
  return d.message.find(text) != std::string::npos;
}

// The administrator who writes no alerts section gets no webhook and the documented defaults.
TEST(AlertsConfig, AnAbsentSectionGivesTheDefaultsAndNoWebhook) {
  const auto r = load("");
  ASSERT_TRUE(r.config);
  const AlertSettings& a = r.config->alerts;
  EXPECT_TRUE(a.webhooks.empty());
  EXPECT_EQ(a.timeout, Duration(10'000));
  EXPECT_EQ(a.retry_initial, Duration(2'000));
  EXPECT_EQ(a.retry_max, Duration(300'000));
  EXPECT_EQ(a.give_up_after, Duration(86'400'000));
  EXPECT_EQ(a.queue_limit, 1000u);
}

// The documented example loads as written: one webhook for two alarms, signed, retry_max 5m.
TEST(AlertsConfig, TheDocumentedExampleLoadsWithItsAlarmsSecretAndDurations) {
  const auto r = load(
      "alerts:\n"
      "  webhooks:\n"
      "    - url: https://alerts.example.org/hooks/gateway\n"
      "      alarms: [study_failed, auth_paused]\n"
      "      secret_file: /etc/dicom-gateway/webhook-secret\n"
      "    - url: http://10.0.0.5:8080/alert\n"
      "  timeout: 5s\n"
      "  retry_initial: 1s\n"
      "  retry_max: 5m\n"
      "  give_up_after: 2h\n"
      "  queue_limit: 50\n");
  ASSERT_TRUE(r.config) << (r.diagnostics.empty() ? "" : to_string(r.diagnostics[0]));
  const AlertSettings& a = r.config->alerts;
  ASSERT_EQ(a.webhooks.size(), 2u);
  EXPECT_EQ(a.webhooks[0].url, "https://alerts.example.org/hooks/gateway");
  EXPECT_EQ(a.webhooks[0].alarms, (std::vector<std::string>{"study_failed", "auth_paused"}));
  EXPECT_EQ(a.webhooks[0].secret_file, "/etc/dicom-gateway/webhook-secret");
  EXPECT_TRUE(a.webhooks[1].alarms.empty()) << "absent alarms: all four";
  EXPECT_EQ(a.timeout, Duration(5'000));
  EXPECT_EQ(a.retry_initial, Duration(1'000));
  EXPECT_EQ(a.retry_max, Duration(300'000));
  EXPECT_EQ(a.give_up_after, Duration(7'200'000));
  EXPECT_EQ(a.queue_limit, 50u);
}

// A typo in an alarm name is an error on its line, naming the bad alarm.
TEST(AlertsConfig, AnUnknownAlarmIsALocatedErrorNamingIt) {
  const Diagnostic d = only_error(
      "alerts:\n"
      "  webhooks:\n"
      "    - url: https://alerts.example.org/x\n"
      "      alarms: [study_failed, disk_full]\n");
  EXPECT_EQ(d.line, 4);
  EXPECT_TRUE(mentions(d, "'disk_full'")) << d.message;
}

// Credentials in the URL would end up in logs: the administrator is told to sign instead.
TEST(AlertsConfig, AUrlWithAUserOrPasswordIsRefused) {
  const Diagnostic d = only_error(
      "alerts:\n  webhooks:\n    - url: https://bob:hunter2@alerts.example.org/x\n");
  EXPECT_EQ(d.line, 3);
  EXPECT_TRUE(mentions(d, "secret_file")) << d.message;
  EXPECT_FALSE(mentions(d, "hunter2")) << "the URL (and its password) is not repeated";
}

TEST(AlertsConfig, OnlyHttpAndHttpsUrlsWithAHostAreAccepted) {
  EXPECT_TRUE(mentions(only_error("alerts:\n  webhooks:\n    - url: ftp://example.org/x\n"),
                       "http:// or https://"));
  EXPECT_TRUE(mentions(only_error("alerts:\n  webhooks:\n    - url: not a url\n"),
                       "not an absolute URL"));
  EXPECT_TRUE(mentions(only_error("alerts:\n  webhooks:\n    - url: 'https:/x'\n"), "host"));
  EXPECT_TRUE(mentions(only_error("alerts:\n  webhooks:\n    - alarms: [study_failed]\n"),
                       "required"));
}

TEST(AlertsConfig, TheSameUrlListedTwiceIsAnError) {
  const Diagnostic d = only_error(
      "alerts:\n  webhooks:\n"
      "    - url: https://alerts.example.org/x\n"
      "    - url: https://alerts.example.org/x\n");
  EXPECT_EQ(d.line, 4);
  EXPECT_TRUE(mentions(d, "twice")) << d.message;
}

TEST(AlertsConfig, RetrySettingsOutOfRangeAreErrors) {
  EXPECT_TRUE(mentions(only_error("alerts: { retry_initial: 10s, retry_max: 1s }\n"),
                       "retry_max"));
  EXPECT_TRUE(mentions(only_error("alerts: { queue_limit: 0 }\n"), "alerts.queue_limit"));
  EXPECT_TRUE(mentions(only_error("alerts: { timeout: 0s }\n"), "alerts.timeout"));
  EXPECT_TRUE(mentions(only_error("alerts: { retry_max: soon }\n"), "alerts.retry_max"));
}

TEST(AlertsConfig, UnknownKeysAnEmptyAlarmListAndACaFileForHttpAreErrors) {
  EXPECT_TRUE(mentions(only_error("alerts: { webhook: [] }\n"), "unknown key 'webhook'"));
  EXPECT_TRUE(mentions(
      only_error("alerts:\n  webhooks:\n    - { url: 'https://a.example/x', alarms: [] }\n"),
      "omit it"));
  EXPECT_TRUE(mentions(
      only_error("alerts:\n  webhooks:\n    - { url: 'http://a.example/x', ca_file: /ca.pem }\n"),
      "https"));
}

}  // namespace
}  // namespace gw::config
