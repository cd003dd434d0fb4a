// What an alert looks like on the wire: the URL split, the JSON body, the signature, and which
// answers are retried.
#include <gtest/gtest.h>

#include "webhook_request.hpp"
#include "webhook_sender.hpp"

namespace gw::alerts::detail {
namespace {

events::GatewayEvent alarm(events::EventKind kind, std::string name, std::string study = {}) {
  events::GatewayEvent e;
  e.kind = kind;
  e.alarm = std::move(name);
  e.at_ms = 1'796'223'845'123;  // 2026-12-02T15:04:05.123Z
  e.study_instance_uid = std::move(study);
  e.detail = "registration failed: 422";
  return e;
}

// The receiver sees the documented fields, in the documented order.
TEST(WebhookRequest, TheBodyHasTheDocumentedFieldsAndNamesTheStudyWhenThereIsOne) {
  EXPECT_EQ(alert_body(alarm(events::EventKind::alarm_raised, "study_failed", "1.2.3"), "gw-a"),
            R"({"alarm":"study_failed","state":"raised","at":"2026-12-02T15:04:05Z",)"
            R"("gateway":"gw-a","study":"1.2.3","detail":"registration failed: 422"})");
  EXPECT_EQ(alert_body(alarm(events::EventKind::alarm_cleared, "breaker_open"), "gw-a"),
            R"({"alarm":"breaker_open","state":"cleared","at":"2026-12-02T15:04:05Z",)"
            R"("gateway":"gw-a","detail":"registration failed: 422"})");
}

TEST(WebhookRequest, TimestampsAreUtcToTheSecond) {
  EXPECT_EQ(utc_timestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(utc_timestamp(-1), "1969-12-31T23:59:59Z");
}

// RFC 4231 test case 2: what `openssl dgst -sha256 -hmac Jefe` prints for that text.
TEST(WebhookRequest, TheSignatureIsHexHmacSha256) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookRequest, TheRequestIsASignedJsonPostWhenASecretIsSet) {
  const auto endpoint = parse_webhook_url("https://alerts.example.org/hooks/gw?team=pacs");
  ASSERT_TRUE(endpoint);
  const Request r = make_webhook_request(*endpoint, "{}", "key");
  EXPECT_EQ(r.method_string(), "POST");
  EXPECT_EQ(r.target(), "/hooks/gw?team=pacs");
  EXPECT_EQ(r["Host"], "alerts.example.org");
  EXPECT_EQ(r["Content-Type"], "application/json");
  EXPECT_EQ(r["User-Agent"], "dicom-gateway");
  EXPECT_EQ(r["X-Gateway-Signature"], "sha256=" + hmac_sha256_hex("key", "{}"));
  EXPECT_EQ(make_webhook_request(*endpoint, "{}", "").count("X-Gateway-Signature"), 0u);
}

// Logs name scheme://host:port only: a receiver's path is often its secret token.
TEST(WebhookRequest, UrlsAreSplitAndLoggedWithoutTheirPath) {
  auto e = parse_webhook_url("https://hooks.slack.com/services/T000/B000/SECRET");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->tls);
  EXPECT_FALSE(e->host_is_ip);
  EXPECT_EQ(e->port, "443");
  EXPECT_EQ(e->display, "https://hooks.slack.com:443");
  e = parse_webhook_url("http://[::1]:8080");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "::1");
  EXPECT_TRUE(e->host_is_ip);
  EXPECT_EQ(e->host_header, "[::1]:8080");
  EXPECT_EQ(e->target, "/");
  EXPECT_EQ(e->display, "http://[::1]:8080");
  EXPECT_FALSE(parse_webhook_url("https://user:pw@example.org/"));
  EXPECT_FALSE(parse_webhook_url("ftp://example.org/"));
}

TEST(WebhookRequest, TwoHundredsDeliverServerErrorsAndThrottlingRetryOtherClientErrorsDrop) {
  const auto verdict = [](int status) { return classify(DeliveryResult{status, {}, {}}); };
  EXPECT_EQ(verdict(200), Verdict::delivered);
  EXPECT_EQ(verdict(204), Verdict::delivered);
  EXPECT_EQ(verdict(0), Verdict::retry);  // no answer: timeout, refused, TLS failure
  EXPECT_EQ(verdict(408), Verdict::retry);
  EXPECT_EQ(verdict(429), Verdict::retry);
  EXPECT_EQ(verdict(500), Verdict::retry);
  EXPECT_EQ(verdict(503), Verdict::retry);
  EXPECT_EQ(verdict(400), Verdict::reject);
  EXPECT_EQ(verdict(401), Verdict::reject);
  EXPECT_EQ(verdict(404), Verdict::reject);
  EXPECT_EQ(verdict(301), Verdict::reject);
}

}  // namespace
}  // namespace gw::alerts::detail
