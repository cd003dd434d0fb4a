#include "webhook_sender.hpp"

#include <algorithm>
#include <utility>

#include <boost/beast/core/bind_handler.hpp>

#include "gateway/log/log.hpp"

namespace gw::alerts::detail {
namespace {

using boost::system::error_code;
using std::chrono::milliseconds;

std::int64_t age_ms(const Alert& alert) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                  alert.queued_at)
      .count();
}

}  // namespace

Verdict classify(const DeliveryResult& result) noexcept {
  const int s = result.status;
  if (s >= 200 && s < 300) return Verdict::delivered;
  if (s == 0 || s == 408 || s == 429 || s >= 500) return Verdict::retry;
  return Verdict::reject;  // 1xx/3xx (we follow no redirects) and the other 4xx
}

WebhookSender::WebhookSender(Strand strand, std::shared_ptr<const SenderConfig> config,
                             std::shared_ptr<metrics::GatewayMetrics> metrics)
    : strand_(std::move(strand)),
      config_(std::move(config)),
      metrics_(std::move(metrics)),
      retry_timer_(strand_),
      random_(std::random_device{}()) {}

void WebhookSender::enqueue(std::shared_ptr<const Alert> alert) {
  if (stopped_) return;
  // The attempt in flight cannot be taken back, so it does not count against the limit.
  const std::size_t busy = in_flight_ ? 1 : 0;
  if (queue_.size() - busy >= config_->queue_limit) {
    const auto oldest = queue_.begin() + static_cast<std::ptrdiff_t>(busy);
    // An alarm storm against a dead receiver must not flood the journal: the first drop and
    // every 100th are logged, each with the running total.
    const std::uint64_t dropped = ++config_->counts->overflowed;
    if (dropped % 100 == 1) {
      log::warning("alert_dropped_queue_full")
          .kv("webhook", config_->endpoint.display)
          .kv("alarm", (*oldest)->alarm)
          .kv("queue_limit", static_cast<std::uint64_t>(config_->queue_limit))
          .kv("dropped_total", dropped);
    }
    metrics_->alert_result("dropped_queue_full");
    if (busy == 0) attempts_ = 0;  // the front (waiting for a retry) goes: a new alert is next
    queue_.erase(oldest);
  }
  queue_.push_back(std::move(alert));
  pump();
}

void WebhookSender::reconfigure(std::shared_ptr<const SenderConfig> config) {
  config_ = std::move(config);
  // A smaller queue_limit applies at once, dropping the oldest waiting alerts.
  const std::size_t busy = in_flight_ ? 1 : 0;
  if (queue_.size() > config_->queue_limit + busy) {
    const std::size_t excess = queue_.size() - config_->queue_limit - busy;
    log::warning("alert_dropped_queue_full")
        .kv("webhook", config_->endpoint.display)
        .kv("queue_limit", static_cast<std::uint64_t>(config_->queue_limit))
        .kv("dropped", static_cast<std::uint64_t>(excess));
    config_->counts->overflowed += excess;
    metrics_->alert_result("dropped_queue_full", excess);
    if (busy == 0) attempts_ = 0;
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(busy),
                 queue_.begin() + static_cast<std::ptrdiff_t>(busy + excess));
  }
}

void WebhookSender::stop() {
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  if (in_flight_) in_flight_->cancel();
  if (!queue_.empty()) {
    log::warning("alerts_discarded")
        .kv("webhook", config_->endpoint.display)
        .kv("count", static_cast<std::uint64_t>(queue_.size()));
    config_->counts->discarded += queue_.size();
    queue_.clear();
  }
}

void WebhookSender::pump() {
  if (stopped_ || in_flight_ || waiting_) return;
  const milliseconds limit = config_->give_up_after;
  while (!queue_.empty() && limit > milliseconds::zero() &&
         std::chrono::steady_clock::now() - queue_.front()->queued_at >= limit) {
    log::error("alert_expired")
        .kv("webhook", config_->endpoint.display)
        .kv("alarm", queue_.front()->alarm)
        .kv("age_ms", age_ms(*queue_.front()))
        .kv("attempts", attempts_);
    ++config_->counts->expired;
    metrics_->alert_result("dropped_expired");
    queue_.pop_front();
    attempts_ = 0;
  }
  if (!queue_.empty()) attempt();
}

void WebhookSender::attempt() {
  std::shared_ptr<const Alert> alert = queue_.front();
  ++attempts_;
  // The request is rebuilt per attempt: a reload may have changed the secret meanwhile.
  Request request = make_webhook_request(config_->endpoint, alert->body, config_->secret);
  in_flight_ = std::make_shared<WebhookDelivery>(strand_, config_->endpoint, config_->tls,
                                                 config_->timeout);
  in_flight_->start(std::move(request),
                    [self = shared_from_this(), alert = std::move(alert)](DeliveryResult result) {
                      self->on_result(alert, std::move(result));
                    });
}

void WebhookSender::on_result(std::shared_ptr<const Alert> alert, DeliveryResult result) {
  in_flight_.reset();
  if (stopped_) return;
  // The front is never dropped while in flight, so it is still `alert`.
  if (queue_.empty() || queue_.front() != alert) return pump();
  const std::string& webhook = config_->endpoint.display;
  switch (classify(result)) {
    case Verdict::delivered:
      log::info("alert_delivered")
          .kv("webhook", webhook)
          .kv("alarm", alert->alarm)
          .kv("state", alert->raised ? "raised" : "cleared")
          .kv("status", result.status)
          .kv("attempts", attempts_);
      ++config_->counts->delivered;
      metrics_->alert_result("delivered");
      failures_ = 0;
      break;
    case Verdict::reject:
      // The receiver answered and refused: sending the same body again will not change that.
      log::error("alert_rejected")
          .kv("webhook", webhook)
          .kv("alarm", alert->alarm)
          .kv("status", result.status)
          .kv("hint", "check the webhook url and secret_file; the alert is dropped");
      ++config_->counts->rejected;
      metrics_->alert_result("rejected");
      failures_ = 0;
      break;
    case Verdict::retry: {
      ++failures_;
      const milliseconds delay = next_backoff();
      auto line = log::warning("alert_retry");
      line.kv("webhook", webhook).kv("alarm", alert->alarm).kv("attempts", attempts_);
      if (result.status != 0) line.kv("status", result.status);
      else line.kv("error", result.error);
      line.kv("retry_in_ms", static_cast<std::int64_t>(delay.count()));
      ++config_->counts->retried;
      metrics_->alert_result("retried");
      waiting_ = true;
      retry_timer_.expires_after(delay);
      retry_timer_.async_wait(
          boost::beast::bind_front_handler(&WebhookSender::on_retry_timer, shared_from_this()));
      return;
    }
  }
  queue_.pop_front();
  attempts_ = 0;
  pump();
}

void WebhookSender::on_retry_timer(error_code ec) {
  waiting_ = false;
  if (ec || stopped_) return;  // cancelled by stop()
  pump();
}

milliseconds WebhookSender::next_backoff() {
  // retry_initial doubled per failure in a row, capped at retry_max; then "equal jitter"
  // (half fixed, half random) so that gateways restarted together do not retry in step.
  milliseconds delay = config_->retry_initial;
  for (unsigned i = 1; i < failures_ && delay < config_->retry_max; ++i) delay *= 2;
  delay = std::min(delay, config_->retry_max);
  const auto half = delay.count() / 2;
  std::uniform_int_distribution<std::int64_t> jitter(0, delay.count() - half);
  return milliseconds(half + jitter(random_));
}

}  // namespace gw::alerts::detail
