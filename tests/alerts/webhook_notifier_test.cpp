// The webhook notifier end to end: alarms published on the event bus reach receivers running
// inside the test (plain HTTP and TLS with a throwaway CA), with retries, drops and shutdown.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/system/system_error.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gateway/alerts/alerts_errc.hpp"
#include "gateway/alerts/webhook_notifier.hpp"
#include "temp_dir.hpp"
#include "test_pki.hpp"
#include "webhook_receiver.hpp"

namespace gw::alerts {
namespace {

using namespace std::chrono_literals;
using config::AlertSettings;
using config::WebhookTarget;
using test::WebhookReceiver;

/// Computed here with OpenSSL directly, not with the code under test.
std::string expected_signature(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  std::string hex = "sha256=";
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

template <class Condition>
bool wait_until(Condition done, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

std::string alarm_of(const test::ReceivedRequest& r) {
  return std::string(boost::json::parse(r.body).as_object().at("alarm").as_string());
}
std::string detail_of(const test::ReceivedRequest& r) {
  return std::string(boost::json::parse(r.body).as_object().at("detail").as_string());
}

class WebhookNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    io_thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    notifier_.reset();  // stops: nothing keeps the io thread busy afterwards
    work_.reset();
    io_thread_.join();
  }

  /// Small delays so retries happen within the test's time.
  static AlertSettings fast(std::vector<WebhookTarget> webhooks) {
    AlertSettings s;
    s.webhooks = std::move(webhooks);
    s.timeout = 5s;
    s.retry_initial = 10ms;
    s.retry_max = 40ms;
    s.give_up_after = 1h;
    s.queue_limit = 100;
    return s;
  }

  static WebhookTarget target(std::string url, std::vector<std::string> alarms = {}) {
    WebhookTarget t;
    t.url = std::move(url);
    t.alarms = std::move(alarms);
    return t;
  }

  void start(const AlertSettings& settings) {
    notifier_.emplace(io_.get_executor(), settings, "gw-test");
    notifier_->attach(bus_);
  }

  void raise(const std::string& alarm, const std::string& detail = "something happened",
             const std::string& study = {}, bool cleared = false) {
    events::GatewayEvent e;
    e.kind = cleared ? events::EventKind::alarm_cleared : events::EventKind::alarm_raised;
    e.at_ms = 1'796'223'845'000;
    e.alarm = alarm;
    e.study_instance_uid = study;
    e.detail = detail;
    bus_.publish(e);
  }

  WebhookStats stats(const WebhookReceiver& receiver) { return notifier_->stats(receiver.url()); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::thread io_thread_;
  events::EventBus bus_;
  std::optional<WebhookNotifier> notifier_;
  gw::test::TempDir dir_;
};

// The administrator's receiver gets a JSON POST per alarm, signed with the shared secret, and
// can verify it with `openssl dgst -sha256 -hmac`.
TEST_F(WebhookNotifierTest, AnAlarmOnTheBusReachesTheWebhookAsSignedJson) {
  WebhookReceiver receiver;
  std::ofstream(dir_ / "secret") << "s3cret\nsecond line is ignored\n";
  WebhookTarget t = target(receiver.url());
  t.secret_file = (dir_ / "secret").string();
  start(fast({t}));

  raise("study_failed", "registration failed for good", "1.2.840.1");
  raise("study_failed", "back to normal", "", /*cleared=*/true);
  ASSERT_TRUE(receiver.wait_for_requests(2));

  const auto requests = receiver.requests();
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/hooks/gateway");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.user_agent, "dicom-gateway");
  EXPECT_EQ(r.body,
            R"({"alarm":"study_failed","state":"raised","at":"2026-12-02T15:04:05Z",)"
            R"("gateway":"gw-test","study":"1.2.840.1","detail":"registration failed for good"})");
  EXPECT_EQ(r.signature, expected_signature("s3cret", r.body));
  EXPECT_NE(requests[1].body.find(R"("state":"cleared")"), std::string::npos) << requests[1].body;
  EXPECT_EQ(requests[1].body.find(R"("study":)"), std::string::npos) << "no study: the key is omitted";
  EXPECT_TRUE(wait_until([&] { return stats(receiver).delivered == 2; }));
}

// A webhook for study_failed only is not paged about the breaker; one for all alarms gets both.
TEST_F(WebhookNotifierTest, AWebhookSubscribedToOneAlarmDoesNotReceiveOthers) {
  WebhookReceiver only_failed;
  WebhookReceiver everything;
  start(fast({target(only_failed.url(), {"study_failed"}), target(everything.url())}));

  raise("breaker_open");
  raise("study_failed");
  ASSERT_TRUE(everything.wait_for_requests(2));
  ASSERT_TRUE(only_failed.wait_for_requests(1));
  // The breaker alarm was handled before study_failed (one strand, in order), so had it been
  // queued for this webhook it would have arrived first.
  const auto got = only_failed.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(alarm_of(got[0]), "study_failed");
  const auto all = everything.requests();
  EXPECT_EQ(alarm_of(all[0]), "breaker_open");
  EXPECT_EQ(alarm_of(all[1]), "study_failed");
}

// A receiver that fails once (500) still gets the alert exactly once, after one retry.
TEST_F(WebhookNotifierTest, AServerErrorIsRetriedAndTheAlertDeliveredOnce) {
  WebhookReceiver receiver;
  receiver.script({500, 200});
  start(fast({target(receiver.url())}));

  raise("auth_paused");
  ASSERT_TRUE(receiver.wait_for_requests(2));
  ASSERT_TRUE(wait_until([&] { return stats(receiver).delivered == 1; }));
  EXPECT_EQ(stats(receiver).retried, 1u);
  const auto got = receiver.requests();
  EXPECT_EQ(got[0].body, got[1].body) << "the retry sends the same alert";
  EXPECT_EQ(got.size(), 2u);
}

// A receiver that refuses the request (400) is told once: the alert is dropped (error log),
// not sent again.
TEST_F(WebhookNotifierTest, ABadRequestIsDroppedWithoutRetry) {
  WebhookReceiver receiver;
  receiver.script({400, 200});
  start(fast({target(receiver.url())}));

  raise("study_failed", "first");
  ASSERT_TRUE(receiver.wait_for_requests(1));
  raise("study_failed", "second");
  ASSERT_TRUE(receiver.wait_for_requests(2));
  // Alerts leave in order: a retry of the first would have come before the second.
  const auto got = receiver.requests();
  EXPECT_EQ(detail_of(got[0]), "first");
  EXPECT_EQ(detail_of(got[1]), "second");
  ASSERT_TRUE(wait_until([&] { return stats(receiver).delivered == 1; }));
  EXPECT_EQ(stats(receiver).rejected, 1u);
  EXPECT_EQ(stats(receiver).retried, 0u);
  EXPECT_EQ(receiver.requests().size(), 2u);
}

// A receiver that accepts the connection but never answers costs one timeout, then the alert
// is sent again (warning log alert_retry ... error="read timed out after 200 ms").
TEST_F(WebhookNotifierTest, AReceiverThatNeverAnswersTimesOutAndIsRetried) {
  WebhookReceiver receiver;
  receiver.script({WebhookReceiver::hold, 200});
  AlertSettings settings = fast({target(receiver.url())});
  settings.timeout = 200ms;
  start(settings);

  raise("spool_nearly_full");
  ASSERT_TRUE(receiver.wait_for_requests(2));
  EXPECT_TRUE(receiver.wait_for_held_closed_by_client(1)) << "the timed-out connection is closed";
  ASSERT_TRUE(wait_until([&] { return stats(receiver).delivered == 1; }));
  EXPECT_EQ(stats(receiver).retried, 1u);
}

// With queue_limit 2 and the receiver stuck, a burst of alerts keeps the newest: the oldest
// waiting one is dropped (warning log alert_dropped_queue_full, counted).
TEST_F(WebhookNotifierTest, AFullQueueDropsTheOldestWaitingAlert) {
  WebhookReceiver receiver;
  receiver.script({WebhookReceiver::hold});
  AlertSettings settings = fast({target(receiver.url())});
  settings.queue_limit = 2;
  start(settings);

  raise("study_failed", "1");
  ASSERT_TRUE(receiver.wait_for_requests(1));  // 1 is in flight, held by the receiver
  raise("study_failed", "2");
  raise("study_failed", "3");
  raise("study_failed", "4");  // 2 is dropped for it
  ASSERT_TRUE(wait_until([&] { return stats(receiver).overflowed == 1; }));
  receiver.release_held(200);
  ASSERT_TRUE(receiver.wait_for_requests(3));
  ASSERT_TRUE(wait_until([&] { return stats(receiver).delivered == 3; }));
  const auto got = receiver.requests();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(detail_of(got[0]), "1");
  EXPECT_EQ(detail_of(got[1]), "3");
  EXPECT_EQ(detail_of(got[2]), "4");
}

// An alert that cannot be delivered within give_up_after is dropped with an error log.
TEST_F(WebhookNotifierTest, AnAlertOlderThanGiveUpAfterIsDropped) {
  WebhookReceiver receiver;
  receiver.script(std::vector<int>(1000, 503));
  AlertSettings settings = fast({target(receiver.url())});
  settings.give_up_after = 100ms;
  start(settings);

  raise("breaker_open");
  ASSERT_TRUE(wait_until([&] { return stats(receiver).expired == 1; }));
  EXPECT_GE(stats(receiver).retried, 1u);
  EXPECT_EQ(stats(receiver).delivered, 0u);
}

class WebhookNotifierTlsTest : public WebhookNotifierTest {
 protected:
  void SetUp() override {
    WebhookNotifierTest::SetUp();
    pki_ = gw::test::make_test_pki(dir_ / "pki");
  }
  gw::test::TestPki pki_;
};

// An https:// webhook whose certificate chains to ca_file and names the host is delivered.
TEST_F(WebhookNotifierTlsTest, TlsWithTheRightCaDelivers) {
  WebhookReceiver receiver(WebhookReceiver::TlsFiles{pki_.server_certificate, pki_.server_key});
  WebhookTarget t = target(receiver.url());
  t.ca_file = pki_.ca_certificate.string();
  start(fast({t}));

  raise("study_failed");
  ASSERT_TRUE(receiver.wait_for_requests(1));
  EXPECT_EQ(alarm_of(receiver.requests()[0]), "study_failed");
  EXPECT_TRUE(wait_until([&] { return stats(receiver).delivered == 1; }));
}

// A receiver whose certificate the gateway cannot verify never sees the alert: the gateway
// retries (warning log ... "TLS handshake failed: certificate verify failed (...)").
TEST_F(WebhookNotifierTlsTest, TlsWithAWrongCaFailsVerificationAndIsNeverDelivered) {
  WebhookReceiver receiver(WebhookReceiver::TlsFiles{pki_.server_certificate, pki_.server_key});
  WebhookTarget t = target(receiver.url());
  t.ca_file = pki_.stranger_certificate.string();  // a self-signed certificate, not the CA
  start(fast({t}));

  raise("study_failed");
  ASSERT_TRUE(receiver.wait_for_failed_handshakes(2)) << "the failed handshake is retried";
  ASSERT_TRUE(wait_until([&] { return stats(receiver).retried >= 2; }));
  EXPECT_EQ(receiver.requests().size(), 0u);
  EXPECT_EQ(stats(receiver).delivered, 0u);
}

// DICOM workers publish alarms: a hung receiver must never slow them down.
TEST_F(WebhookNotifierTest, PublishingDoesNotWaitForAHungReceiver) {
  WebhookReceiver receiver;
  receiver.script({WebhookReceiver::hold});
  AlertSettings settings = fast({target(receiver.url())});
  settings.timeout = 30s;
  start(settings);

  raise("study_failed", "stuck");
  ASSERT_TRUE(receiver.wait_for_requests(1));
  const auto before = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) raise("study_failed", std::to_string(i));
  const auto took = std::chrono::steady_clock::now() - before;
  EXPECT_LT(took, 1s) << "200 publishes while a request hangs";
  EXPECT_EQ(receiver.requests().size(), 1u) << "the stuck request is still the only one";
  EXPECT_EQ(stats(receiver).delivered, 0u);
}

// SIGTERM with a receiver that never answers: stop() returns at once, the connection is closed,
// and the io thread has nothing left to wait for.
TEST_F(WebhookNotifierTest, StopWithAHungRequestReturnsPromptlyAndClosesTheConnection) {
  WebhookReceiver receiver;
  receiver.script({WebhookReceiver::hold});
  AlertSettings settings = fast({target(receiver.url())});
  settings.timeout = 60s;
  start(settings);
  raise("study_failed", "stuck");
  raise("study_failed", "queued behind it");
  ASSERT_TRUE(receiver.wait_for_requests(1));

  const auto before = std::chrono::steady_clock::now();
  notifier_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 100ms);
  EXPECT_TRUE(receiver.wait_for_held_closed_by_client(1));
  // The stuck one and the one behind it were never delivered.
  EXPECT_TRUE(wait_until([&] { return stats(receiver).discarded == 2; }));

  // Without the work guard, run() returns once the notifier holds no timer or socket.
  work_.reset();
  auto finished = std::async(std::launch::async, [this] { io_thread_.join(); });
  EXPECT_EQ(finished.wait_for(5s), std::future_status::ready) << "the io thread kept waiting";
  finished.get();
  io_thread_ = std::thread([] {});  // TearDown joins something
  raise("study_failed", "after stop");  // unsubscribed: nothing is posted to a stopped loop
  EXPECT_EQ(receiver.requests().size(), 1u);
}

// A SIGHUP with an unreadable secret keeps the old webhooks; the administrator sees the error.
TEST_F(WebhookNotifierTest, AReloadWithAnUnreadableSecretIsRefusedAndTheOldSettingsStay) {
  WebhookReceiver receiver;
  start(fast({target(receiver.url())}));
  WebhookTarget t = target(receiver.url());
  t.secret_file = (dir_ / "missing").string();
  EXPECT_EQ(notifier_->replace_settings(fast({t})), alerts_errc::secret_unreadable);

  raise("auth_paused");
  ASSERT_TRUE(receiver.wait_for_requests(1));
  EXPECT_EQ(receiver.requests()[0].signature, "") << "still the old, unsigned settings";
  EXPECT_THROW(WebhookNotifier(io_.get_executor(), fast({t}), "gw"), boost::system::system_error);
}

// A reload that adds a secret signs the next alert; the webhook keeps its counts.
TEST_F(WebhookNotifierTest, AReloadAppliesTheNewSecretToTheNextAlert) {
  WebhookReceiver receiver;
  start(fast({target(receiver.url())}));
  raise("auth_paused", "before");
  ASSERT_TRUE(receiver.wait_for_requests(1));

  std::ofstream(dir_ / "secret") << "new-key\n";
  WebhookTarget t = target(receiver.url());
  t.secret_file = (dir_ / "secret").string();
  ASSERT_FALSE(notifier_->replace_settings(fast({t})));
  raise("auth_paused", "after");
  ASSERT_TRUE(receiver.wait_for_requests(2));
  const auto got = receiver.requests();
  EXPECT_EQ(got[1].signature, expected_signature("new-key", got[1].body));
  EXPECT_TRUE(wait_until([&] { return stats(receiver).delivered == 2; }));
}

}  // namespace
}  // namespace gw::alerts
