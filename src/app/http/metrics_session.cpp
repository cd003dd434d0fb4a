#include "metrics_session.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>

#include "gateway/log/log.hpp"

namespace gw::app {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// A scraper sends a few hundred bytes; anything slower or larger is not a scraper.
constexpr std::chrono::seconds kStepTimeout{10};
constexpr std::uint64_t kMaxRequestBytes = 8192;

}  // namespace

MetricsSession::MetricsSession(boost::asio::ip::tcp::socket socket,
                               std::shared_ptr<const HttpProbes> probes)
    : stream_(std::move(socket)), probes_(std::move(probes)) {}

void MetricsSession::start() { read(); }

void MetricsSession::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void MetricsSession::read() {
  request_ = {};
  stream_.expires_after(kStepTimeout);
  auto parser = std::make_shared<http::request_parser<http::string_body>>();
  parser->body_limit(kMaxRequestBytes);
  parser->header_limit(static_cast<std::uint32_t>(kMaxRequestBytes));
  // The parser must outlive async_read: the handler owns it.
  http::async_read(stream_, buffer_, *parser,
                   [self = shared_from_this(), parser](beast::error_code ec, std::size_t) {
                     if (!ec) self->request_ = parser->release();
                     self->on_read(ec);
                   });
}

void MetricsSession::on_read(beast::error_code ec) {
  if (ec == http::error::end_of_stream) {
    close();
    return;
  }
  if (ec) return;  // timeout, reset or shutdown: nothing to answer
  response_ = answer();
  const bool keep_alive = response_.keep_alive();
  stream_.expires_after(kStepTimeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep_alive](beast::error_code e, std::size_t) {
                      self->on_write(e, keep_alive);
                    });
}

void MetricsSession::on_write(beast::error_code ec, bool keep_alive) {
  if (ec) return;
  if (!keep_alive) {
    close();
    return;
  }
  read();
}

http::response<http::string_body> MetricsSession::answer() const {
  http::response<http::string_body> res{http::status::ok, request_.version()};
  res.set(http::field::server, "dicom-gateway");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.keep_alive(request_.keep_alive());
  const auto method = request_.method();
  const std::string_view target = request_.target();
  const std::string_view path = target.substr(0, target.find('?'));
  try {
    if (method != http::verb::get && method != http::verb::head) {
      res.result(http::status::method_not_allowed);
      res.set(http::field::allow, "GET, HEAD");
      res.body() = "method not allowed\n";
    } else if (path == "/metrics") {
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = probes_->metrics();
    } else if (path == "/healthz") {
      res.body() = "ok\n";
    } else if (path == "/readyz") {
      const std::string reason = probes_->not_ready();
      if (!reason.empty()) {
        res.result(http::status::service_unavailable);
        res.body() = reason + "\n";
      } else {
        res.body() = "ready\n";
      }
    } else {
      res.result(http::status::not_found);
      res.body() = "not found: try /metrics, /healthz or /readyz\n";
    }
  } catch (const std::exception& e) {  // a probe failed: say so, keep serving
    log::error("metrics_probe_failed").kv("reason", e.what());
    res.result(http::status::internal_server_error);
    res.body() = "internal error\n";
  }
  res.prepare_payload();
  if (method == http::verb::head) res.body().clear();
  return res;
}

}  // namespace gw::app
