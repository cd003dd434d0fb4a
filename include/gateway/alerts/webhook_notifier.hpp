#pragma once
// Alarms delivered without Prometheus: every alarm_raised/alarm_cleared event on the bus
// becomes a signed JSON POST to each webhook subscribed to that alarm (docs/alerts.md).
// Publishing never waits for a receiver: the bus callback only copies and posts.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include "gateway/config/config.hpp"
#include "gateway/events/event_bus.hpp"

namespace gw::metrics {
class GatewayMetrics;
}

namespace gw::alerts {

namespace detail {
class NotifierCore;
}

/// What happened to one webhook's alerts since start-up (kept across reloads for its url).
struct WebhookStats {
  std::uint64_t delivered = 0;
  std::uint64_t retried = 0;     // failed attempts that were tried again
  std::uint64_t rejected = 0;    // a 4xx other than 408/429: dropped, not retried
  std::uint64_t expired = 0;     // older than give_up_after: dropped
  std::uint64_t overflowed = 0;  // the oldest waiting alert dropped for a new one (queue_limit)
  std::uint64_t discarded = 0;   // queued or in flight at stop() or when the webhook was removed
};

/// One per gateway. Owned by the daemon; its senders live on a strand of `io` and keep
/// themselves alive until their last handler has run, so destroying the notifier (which
/// stops it) never waits; destroy it before `io`'s io_context. attach/stop/replace_settings
/// are called by the owner's thread; stats() from any thread.
class WebhookNotifier {
 public:
  /// Applies `settings` (reads each secret_file, builds TLS contexts). Throws
  /// boost::system::system_error (an alerts_errc) when they cannot be applied: start-up only.
  /// `metrics` (borrowed; must outlive `io`'s io_context, as senders count after a stop)
  /// counts deliveries; null: a private one.
  WebhookNotifier(boost::asio::any_io_executor io, const config::AlertSettings& settings,
                  std::string gateway_name, metrics::GatewayMetrics* metrics = nullptr);
  ~WebhookNotifier();  // stop()
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  /// Subscribes to `bus` (which must outlive this notifier or its stop()). Once only.
  void attach(events::EventBus& bus);

  /// SIGHUP: reads the new secrets and CA files here, on the caller's thread; on an error
  /// returns it and keeps the old settings. Webhooks whose url stays keep their queue; removed
  /// ones are stopped and their queue discarded (logged).
  boost::system::error_code replace_settings(const config::AlertSettings& settings);

  /// Unsubscribes, then cancels every retry timer and request in flight on the io strand.
  /// Returns at once; queued alerts are discarded (logged). Idempotent.
  void stop();

  /// Zeros for a url never configured. Thread-safe.
  WebhookStats stats(std::string_view url) const;

 private:
  std::shared_ptr<detail::NotifierCore> core_;
  events::EventBus* bus_ = nullptr;
  int subscription_ = 0;
};

}  // namespace gw::alerts
