#include "gateway/alerts/webhook_notifier.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/system_error.hpp>

#include "gateway/alerts/alerts_errc.hpp"
#include "gateway/log/log.hpp"
#include "webhook_request.hpp"
#include "webhook_sender.hpp"

namespace gw::alerts {
namespace detail {

namespace asio = boost::asio;
using Configs = std::vector<std::shared_ptr<const SenderConfig>>;

/// The notifier's state on its strand. Held by shared_ptr: the bus callback's posted events
/// and the owner's posted commands keep it alive until they have run.
class NotifierCore : public std::enable_shared_from_this<NotifierCore> {
 public:
  NotifierCore(asio::any_io_executor io, std::string gateway,
               std::shared_ptr<metrics::GatewayMetrics> metrics)
      : strand_(asio::make_strand(io)), gateway_(std::move(gateway)), metrics_(std::move(metrics)) {}

  /// Any thread. Reads files; touches no sender.
  boost::system::result<Configs> prepare(const config::AlertSettings& settings) {
    Configs configs;
    for (const config::WebhookTarget& target : settings.webhooks) {
      auto made = make_sender_config(target, settings, counts_for(target.url));
      if (!made) {
        // The path is named, never the url (its path may be a token) nor the secret.
        auto line = log::error("alert_webhook_unusable");
        if (auto endpoint = parse_webhook_url(target.url)) line.kv("webhook", endpoint->display);
        if (made.error() == alerts_errc::secret_unreadable) line.kv("secret_file", target.secret_file);
        if (made.error() == alerts_errc::ca_file_unreadable) line.kv("ca_file", target.ca_file);
        line.kv("error", made.error().message());
        return made.error();
      }
      configs.push_back(std::move(*made));
    }
    return configs;
  }

  /// Any thread: copies and posts.
  void publish(const events::GatewayEvent& event) {
    auto alert = std::make_shared<Alert>();
    alert->alarm = event.alarm;
    alert->raised = event.kind == events::EventKind::alarm_raised;
    alert->queued_at = std::chrono::steady_clock::now();
    asio::post(strand_, [self = shared_from_this(), event, alert = std::move(alert)]() mutable {
      self->on_event(event, std::move(alert));
    });
  }

  void apply(Configs configs) {
    asio::dispatch(strand_, [self = shared_from_this(), configs = std::move(configs)]() mutable {
      self->on_apply(std::move(configs));
    });
  }

  void stop() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->on_stop(); });
  }

  WebhookStats stats(std::string_view url) {
    std::lock_guard lock(counts_mutex_);
    const auto it = counts_.find(url);
    if (it == counts_.end()) return {};
    const WebhookCounts& c = *it->second;
    return WebhookStats{c.delivered.load(), c.retried.load(), c.rejected.load(),
                        c.expired.load(),   c.overflowed.load(), c.discarded.load()};
  }

 private:
  std::shared_ptr<WebhookCounts> counts_for(const std::string& url) {
    std::lock_guard lock(counts_mutex_);
    auto& counts = counts_[url];
    if (!counts) counts = std::make_shared<WebhookCounts>();
    return counts;
  }

  void on_event(const events::GatewayEvent& event, std::shared_ptr<Alert> alert) {
    if (stopped_) return;
    alert->body = alert_body(event, gateway_);
    const std::shared_ptr<const Alert> shared = std::move(alert);
    for (const auto& sender : senders_) {
      if (sender->config().wants(shared->alarm)) sender->enqueue(shared);
    }
  }

  void on_apply(Configs configs) {
    if (stopped_) return;
    std::vector<std::shared_ptr<WebhookSender>> next;
    for (auto& config : configs) {
      const auto same = std::find_if(senders_.begin(), senders_.end(), [&](const auto& s) {
        return s && s->config().url == config->url;
      });
      if (same != senders_.end()) {
        (*same)->reconfigure(std::move(config));
        next.push_back(std::move(*same));
      } else {
        next.push_back(std::make_shared<WebhookSender>(strand_, std::move(config), metrics_));
      }
    }
    for (const auto& removed : senders_) {
      if (removed) removed->stop();
    }
    senders_ = std::move(next);
    log::info("alert_webhooks_applied").kv("webhooks", static_cast<std::uint64_t>(senders_.size()));
  }

  void on_stop() {
    if (stopped_) return;
    stopped_ = true;
    for (const auto& sender : senders_) sender->stop();
    senders_.clear();
  }

  Strand strand_;
  const std::string gateway_;
  const std::shared_ptr<metrics::GatewayMetrics> metrics_;  // handed to every sender
  std::vector<std::shared_ptr<WebhookSender>> senders_;  // strand only
  bool stopped_ = false;                                  // strand only
  std::mutex counts_mutex_;  // guards counts_, read by stats() from any thread
  std::map<std::string, std::shared_ptr<WebhookCounts>, std::less<>> counts_;
};

}  // namespace detail

WebhookNotifier::WebhookNotifier(boost::asio::any_io_executor io,
                                 const config::AlertSettings& settings, std::string gateway_name,
                                 metrics::GatewayMetrics* metrics)
    : core_(std::make_shared<detail::NotifierCore>(
          std::move(io), std::move(gateway_name),
          // Borrowed (the daemon's outlives its io_context, hence every sender) or our own.
          metrics ? std::shared_ptr<metrics::GatewayMetrics>(metrics, [](metrics::GatewayMetrics*) {})
                  : std::make_shared<metrics::GatewayMetrics>())) {
  auto configs = core_->prepare(settings);
  if (!configs) throw boost::system::system_error(configs.error(), "alerts");
  core_->apply(std::move(*configs));
}

WebhookNotifier::~WebhookNotifier() { stop(); }

void WebhookNotifier::attach(events::EventBus& bus) {
  if (bus_) return;
  bus_ = &bus;
  // Runs on the publishing thread (a DICOM worker, the io thread): filter, copy, post.
  subscription_ = bus.subscribe([core = core_](const events::GatewayEvent& event) {
    if (event.kind != events::EventKind::alarm_raised &&
        event.kind != events::EventKind::alarm_cleared) {
      return;
    }
    core->publish(event);
  });
}

boost::system::error_code WebhookNotifier::replace_settings(const config::AlertSettings& settings) {
  auto configs = core_->prepare(settings);
  if (!configs) return configs.error();
  core_->apply(std::move(*configs));
  return {};
}

void WebhookNotifier::stop() {
  if (bus_) {
    bus_->unsubscribe(subscription_);  // after this, no publish reaches the core
    bus_ = nullptr;
  }
  core_->stop();
}

WebhookStats WebhookNotifier::stats(std::string_view url) const { return core_->stats(url); }

}  // namespace gw::alerts
