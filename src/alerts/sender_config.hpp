#pragma once
// One webhook's settings made ready to send: the url split, the secret read, the TLS context
// built. Made on the thread that applies the settings (start-up, SIGHUP), so a bad file is an
// error there and never a surprise on the io thread. Internal to the alerts module.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "gateway/config/config.hpp"
#include "webhook_request.hpp"

namespace gw::alerts::detail {

/// What happened to one webhook's alerts since start-up; kept across reloads for the same url.
/// Written on the io thread, read from any (atomics).
struct WebhookCounts {
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> retried{0};     // failed attempts that were tried again
  std::atomic<std::uint64_t> rejected{0};    // a 4xx other than 408/429: dropped at once
  std::atomic<std::uint64_t> expired{0};     // older than give_up_after: dropped
  std::atomic<std::uint64_t> overflowed{0};  // the oldest waiting dropped for a new one
  std::atomic<std::uint64_t> discarded{0};   // queued or in flight at stop() or when the webhook was removed
};

/// Immutable once made; shared by the sender and its deliveries. The delivery values are the
/// configuration's (config::AlertDelivery), copied whole.
struct SenderConfig : config::AlertDelivery {
  std::string url;  // identity across reloads; never logged (see WebhookEndpoint::display)
  WebhookEndpoint endpoint;
  std::vector<std::string> alarms;  // empty: all
  std::string secret;               // HMAC key; empty: unsigned; never logged
  std::shared_ptr<boost::asio::ssl::context> tls;  // null for http://
  std::shared_ptr<WebhookCounts> counts;  // never null

  bool wants(std::string_view alarm) const;
};

/// Reads `target.secret_file` (its first line) and builds its TLS context (verify_peer, TLS
/// 1.2 minimum, `ca_file` or the system trust store). `counts` becomes the config's counters.
boost::system::result<std::shared_ptr<const SenderConfig>> make_sender_config(
    const config::WebhookTarget& target, const config::AlertSettings& settings,
    std::shared_ptr<WebhookCounts> counts);

}  // namespace gw::alerts::detail
