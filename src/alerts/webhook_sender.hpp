#pragma once
// One webhook's queue: sends its alerts in order, one request at a time, retries with
// exponential backoff and jitter, drops what is too old, refused, or pushed out by a full
// queue, each with a log line and a count. Internal to the alerts module.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "gateway/metrics/gateway_metrics.hpp"
#include "sender_config.hpp"
#include "webhook_delivery.hpp"

namespace gw::alerts::detail {

/// One alert as queued; its body is shared by every webhook it goes to. Immutable.
struct Alert {
  std::string alarm;
  bool raised = true;
  std::string body;  // the JSON of webhook_request.hpp
  std::chrono::steady_clock::time_point queued_at;
};

/// What an attempt's outcome means for the alert.
enum class Verdict { delivered, retry, reject };
/// 2xx: delivered; 408, 429, 5xx, no answer: retry; any other status: reject.
Verdict classify(const DeliveryResult& result) noexcept;

/// Always held by shared_ptr (timer and delivery handlers keep it alive). Every member
/// function and handler runs on `strand`.
class WebhookSender : public std::enable_shared_from_this<WebhookSender> {
 public:
  /// `metrics`: where delivery results are counted (dicom_gateway_alerts_total).
  WebhookSender(Strand strand, std::shared_ptr<const SenderConfig> config,
                std::shared_ptr<metrics::GatewayMetrics> metrics);

  /// Queues `alert` (dropping the oldest waiting one when queue_limit are waiting) and sends
  /// when idle.
  void enqueue(std::shared_ptr<const Alert> alert);
  /// New settings for the same url (SIGHUP): the queue stays; the attempt in flight finishes
  /// under the old ones.
  void reconfigure(std::shared_ptr<const SenderConfig> config);
  /// Cancels the retry timer and the request in flight; queued alerts are discarded (counted).
  /// Nothing is sent afterwards.
  void stop();

  const SenderConfig& config() const noexcept { return *config_; }

 private:
  void pump();
  void attempt();
  void on_result(std::shared_ptr<const Alert> alert, DeliveryResult result);
  void on_retry_timer(boost::system::error_code ec);
  std::chrono::milliseconds next_backoff();

  Strand strand_;
  std::shared_ptr<const SenderConfig> config_;
  std::shared_ptr<metrics::GatewayMetrics> metrics_;
  // front() is the alert being attempted (in flight or waiting for its retry).
  std::deque<std::shared_ptr<const Alert>> queue_;
  std::shared_ptr<WebhookDelivery> in_flight_;
  boost::asio::steady_timer retry_timer_;
  bool waiting_ = false;  // the retry timer is armed
  // Failures in a row at this receiver, not per alert: a receiver that is down keeps its
  // long backoff when the next alert comes up.
  unsigned failures_ = 0;
  std::uint64_t attempts_ = 0;  // of the front alert, for the log
  bool stopped_ = false;
  std::minstd_rand random_;
};

}  // namespace gw::alerts::detail
