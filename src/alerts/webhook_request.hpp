#pragma once
// What one alert looks like on the wire: the receiver's address, the JSON body, the HMAC
// signature and the HTTP request. Pure functions, no I/O; internal to the alerts module.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/result.hpp>

#include "gateway/events/gateway_event.hpp"

namespace gw::alerts::detail {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

/// Where a webhook lives, split for the resolver, the TLS layer and the request line.
struct WebhookEndpoint {
  bool tls = false;
  std::string host;        // for the resolver and the certificate check; no IPv6 brackets
  bool host_is_ip = false; // no SNI for IP literals (RFC 6066)
  std::string port;        // "443" / "80" when the url names none
  std::string host_header; // host[:port] as written in the url
  std::string target;      // path and query; "/" when empty
  // scheme://host:port, what logs show: a receiver's path often is its secret token
  // (Slack, Teams, PagerDuty), so the full url is never logged.
  std::string display;
};

/// alerts_errc::bad_url unless `url` is http(s)://host[:port][/path][?query] without userinfo.
boost::system::result<WebhookEndpoint> parse_webhook_url(std::string_view url);

/// `at_ms` (milliseconds since the epoch) as RFC 3339 UTC to the second: 2026-12-02T15:04:05Z.
std::string utc_timestamp(std::int64_t at_ms);

/// The JSON body for an alarm_raised/alarm_cleared event:
/// {"alarm","state":"raised"|"cleared","at","gateway","study" (only when set),"detail"}.
std::string alert_body(const events::GatewayEvent& event, std::string_view gateway);

/// Lower-case hex HMAC-SHA256 of `data` keyed with `key` (OpenSSL).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// POST of `body` to `endpoint`, Connection: close; X-Gateway-Signature when `secret` is set.
Request make_webhook_request(const WebhookEndpoint& endpoint, const std::string& body,
                             std::string_view secret);

}  // namespace gw::alerts::detail
