#include "service_heartbeat.hpp"

#include "gateway/log/log.hpp"

namespace gw::app {

ServiceHeartbeat::ServiceHeartbeat(boost::asio::io_context& io, ServiceNotifier& notifier,
                                   std::function<std::string()> status)
    : notifier_(notifier),
      status_(std::move(status)),
      timer_(io),
      period_(notifier.watchdog_interval() ? *notifier.watchdog_interval() / 2
                                           : std::chrono::microseconds(10'000'000)) {}

void ServiceHeartbeat::start() {
  if (!notifier_.enabled()) return;
  log::info("service_watchdog")
      .kv("enabled", notifier_.watchdog_interval().has_value())
      .kv("period_ms", static_cast<std::int64_t>(period_.count() / 1000));
  beat();
}

void ServiceHeartbeat::beat() {
  if (!notifier_.enabled() || stopped_) return;
  if (notifier_.watchdog_interval()) notifier_.watchdog();
  try {
    notifier_.status(status_());
  } catch (const std::exception& e) {  // a status we cannot build must not stop the pings
    log::warning("service_status_failed").kv("reason", e.what());
  }
  schedule();
}

void ServiceHeartbeat::schedule() {
  timer_.expires_after(period_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) beat();
  });
}

void ServiceHeartbeat::stop() {
  stopped_ = true;
  timer_.cancel();
}

}  // namespace gw::app
