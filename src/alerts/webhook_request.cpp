#include "webhook_request.hpp"

#include <ctime>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gateway/alerts/alerts_errc.hpp"

namespace gw::alerts::detail {
namespace {

namespace http = boost::beast::http;
namespace urls = boost::urls;

}  // namespace

boost::system::result<WebhookEndpoint> parse_webhook_url(std::string_view url) {
  const auto parsed = urls::parse_uri(url);
  if (!parsed) return make_error_code(alerts_errc::bad_url);
  const urls::url_view u = *parsed;
  const bool https = u.scheme_id() == urls::scheme::https;
  if ((!https && u.scheme_id() != urls::scheme::http) || u.has_userinfo() ||
      !u.has_authority() || u.encoded_host().empty() ||
      (u.has_port() && (u.port().empty() || u.port_number() == 0))) {
    return make_error_code(alerts_errc::bad_url);
  }
  WebhookEndpoint e;
  e.tls = https;
  e.host = u.host_address();  // decoded, IPv6 without brackets
  e.host_is_ip = u.host_type() != urls::host_type::name;
  e.port = u.has_port() ? std::string(u.port()) : std::string(https ? "443" : "80");
  e.host_header = u.encoded_host_and_port();
  e.target = u.encoded_target();
  if (e.target.empty()) e.target = "/";
  const std::string bracketed =
      u.host_type() == urls::host_type::ipv6 ? "[" + e.host + "]" : e.host;
  e.display = std::string(https ? "https://" : "http://") + bracketed + ":" + e.port;
  return e;
}

std::string utc_timestamp(std::int64_t at_ms) {
  // Floor division: a time before the epoch still names the second it falls in.
  std::int64_t seconds = at_ms / 1000;
  if (at_ms % 1000 < 0) --seconds;
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text, n);
}

std::string alert_body(const events::GatewayEvent& event, std::string_view gateway) {
  boost::json::object body;
  body["alarm"] = event.alarm;
  body["state"] = event.kind == events::EventKind::alarm_cleared ? "cleared" : "raised";
  body["at"] = utc_timestamp(event.at_ms);
  body["gateway"] = gateway;
  if (!event.study_instance_uid.empty()) body["study"] = event.study_instance_uid;
  body["detail"] = event.detail;
  return boost::json::serialize(body);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0F];
  }
  return out;
}

Request make_webhook_request(const WebhookEndpoint& endpoint, const std::string& body,
                             std::string_view secret) {
  Request request(http::verb::post, endpoint.target, 11);
  request.set(http::field::host, endpoint.host_header);
  request.set(http::field::user_agent, "dicom-gateway");
  request.set(http::field::content_type, "application/json");
  // One request per connection: alerts are rare, and a kept-alive socket would need its own
  // idle handling for nothing.
  request.set(http::field::connection, "close");
  if (!secret.empty()) request.set("X-Gateway-Signature", "sha256=" + hmac_sha256_hex(secret, body));
  request.body() = body;
  request.prepare_payload();
  return request;
}

}  // namespace gw::alerts::detail
