#include "sender_config.hpp"

#include <algorithm>
#include <fstream>

#include <openssl/ssl.h>

#include "gateway/alerts/alerts_errc.hpp"

namespace gw::alerts::detail {
namespace {

namespace ssl = boost::asio::ssl;

boost::system::result<std::string> read_secret(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return make_error_code(alerts_errc::secret_unreadable);
  if (!line.empty() && line.back() == '\r') line.pop_back();  // written on Windows
  if (line.empty()) return make_error_code(alerts_errc::secret_unreadable);
  return line;
}

boost::system::result<std::shared_ptr<ssl::context>> make_tls_context(const std::string& ca_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) return make_error_code(alerts_errc::trust_store_unavailable);
  } else {
    context->load_verify_file(ca_file, ec);
    if (ec) return make_error_code(alerts_errc::ca_file_unreadable);
  }
  return context;
}

}  // namespace

bool SenderConfig::wants(std::string_view alarm) const {
  return alarms.empty() || std::find(alarms.begin(), alarms.end(), alarm) != alarms.end();
}

boost::system::result<std::shared_ptr<const SenderConfig>> make_sender_config(
    const config::WebhookTarget& target, const config::AlertSettings& settings,
    std::shared_ptr<WebhookCounts> counts) {
  if (settings.timeout <= std::chrono::milliseconds::zero() ||
      settings.retry_initial <= std::chrono::milliseconds::zero() ||
      settings.retry_max < settings.retry_initial || settings.queue_limit == 0 || !counts) {
    return make_error_code(alerts_errc::bad_settings);
  }
  auto endpoint = parse_webhook_url(target.url);
  if (!endpoint) return endpoint.error();
  auto config = std::make_shared<SenderConfig>();
  config->url = target.url;
  config->endpoint = std::move(*endpoint);
  config->alarms = target.alarms;
  if (!target.secret_file.empty()) {
    auto secret = read_secret(target.secret_file);
    if (!secret) return secret.error();
    config->secret = std::move(*secret);
  }
  if (config->endpoint.tls) {
    auto tls = make_tls_context(target.ca_file);
    if (!tls) return tls.error();
    config->tls = std::move(*tls);
  }
  static_cast<config::AlertDelivery&>(*config) = settings;
  config->counts = std::move(counts);
  return std::shared_ptr<const SenderConfig>(std::move(config));
}

}  // namespace gw::alerts::detail
