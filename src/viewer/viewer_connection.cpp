#include "viewer_connection.hpp"

#include "gateway/fault/crash_point.hpp"

#include <string>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "proxy_tunnel.hpp"

namespace gw::viewer::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using boost::system::error_code;

// A study object is a few KiB and a list page of 100 a few hundred; anything near this is
// not the Viewer API talking. The limit bounds memory per connection while still letting us
// read a whole 2xx body.
constexpr std::uint64_t max_response_body = 4 * 1024 * 1024;

constexpr std::string_view shut_down_error = "shut down";

}  // namespace

ViewerConnection::ViewerConnection(Strand strand, std::shared_ptr<ConnectionContext> context)
    : strand_(std::move(strand)),
      context_(std::move(context)),
      resolver_(strand_),
      resolve_timer_(strand_) {}

void ViewerConnection::send(Request request, Done done) {
  done_ = std::move(done);
  request_ = std::move(request);
  write_started_ = false;
  if (closed_) return finish(ExchangeResult::failure(std::string(shut_down_error)));
  reused_ = connected_;
  if (connected_) return write();
  start_connect();
}

void ViewerConnection::close() {
  closed_ = true;
  resolver_.cancel();
  resolve_timer_.cancel();
  disconnect();
  // Report now rather than when the aborted operation's handler runs: shutdown() promises
  // that everything in flight is answered, and the late handler then finds nothing to answer.
  if (busy()) report_failure(std::string(shut_down_error));
}

void ViewerConnection::start_connect() {
  const ViewerEndpoint& endpoint = context_->endpoint;
  stream_.emplace(strand_, context_->ssl);
  buffer_.clear();

  // SNI lets a virtual-hosted API front choose the right certificate; RFC 6066 forbids IP
  // literals there, and the certificate check below covers IP addresses on its own.
  if (!endpoint.host_is_ip &&
      !SSL_set_tlsext_host_name(stream_->native_handle(), endpoint.host.c_str())) {
    return fail("TLS setup",
                error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  }
  // Verification mode comes from the context (verify_peer); the name check is per connection.
  // A failed name check leaves OpenSSL's verify result "unspecified"; naming the mismatch
  // tells the operator at once that base_url and the certificate disagree.
  stream_->set_verify_callback(
      [check = ssl::host_name_verification(endpoint.host), ip = endpoint.host_is_ip](
          bool preverified, ssl::verify_context& ctx) mutable {
        const bool ok = check(preverified, ctx);
        if (preverified && !ok) {
          X509_STORE_CTX_set_error(ctx.native_handle(), ip ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                           : X509_V_ERR_HOSTNAME_MISMATCH);
        }
        return ok;
      });

  // Resolve and connect share one deadline, as the settings promise.
  connect_deadline_ = std::chrono::steady_clock::now() + context_->timeout;
  resolve_timed_out_ = false;
  const std::uint64_t attempt = ++attempt_;
  resolve_timer_.expires_at(connect_deadline_);
  resolve_timer_.async_wait(beast::bind_front_handler(&ViewerConnection::on_resolve_deadline,
                                                      shared_from_this(), attempt));
  // Through a proxy we resolve and reach only the proxy; the API's name goes in CONNECT.
  const auto& proxy = context_->proxy;
  resolver_.async_resolve(
      proxy ? proxy->host : endpoint.host, proxy ? proxy->port : endpoint.port,
      beast::bind_front_handler(&ViewerConnection::on_resolve, shared_from_this()));
}

void ViewerConnection::on_resolve_deadline(std::uint64_t attempt, error_code ec) {
  if (ec || attempt != attempt_ || closed_)
    return;  // cancelled, or a deadline of an earlier attempt
  resolve_timed_out_ = true;
  resolver_.cancel();
}

void ViewerConnection::on_resolve(error_code ec, asio::ip::tcp::resolver::results_type results) {
  resolve_timer_.cancel();
  if (closed_) return;
  const std::string step =
      context_->proxy ? "resolve proxy " + context_->proxy->display : std::string("resolve");
  if (resolve_timed_out_) return fail(step, beast::error::timeout);
  if (ec) return fail(step, ec);
  beast::get_lowest_layer(*stream_).expires_at(connect_deadline_);
  beast::get_lowest_layer(*stream_).async_connect(
      results, beast::bind_front_handler(&ViewerConnection::on_connect, shared_from_this()));
}

void ViewerConnection::on_connect(error_code ec, const asio::ip::tcp::endpoint&) {
  if (closed_) return;
  if (ec) {
    return fail(context_->proxy ? "connect to proxy " + context_->proxy->display : "connect", ec);
  }
  // Nagle off: TLS writes a request's header and body as two records, and with Nagle on the
  // second waits for the first one's ACK, which the server may delay by 40 ms. Measured in the
  // benchmark: requests of 26-80 ms during ingest at 8 associations, where the API answered at
  // once. A failure only costs speed, so it is ignored.
  error_code ignored;
  beast::get_lowest_layer(*stream_).socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  if (!context_->proxy) return start_handshake();
  const ProxyRoute& proxy = *context_->proxy;
  ProxyTunnel::open(beast::get_lowest_layer(*stream_), authority(context_->endpoint),
                    proxy.authorization, context_->user_agent, proxy.display, context_->timeout,
                    beast::bind_front_handler(&ViewerConnection::on_tunnel, shared_from_this()));
}

void ViewerConnection::on_tunnel(std::string error) {
  if (closed_) return;
  if (!error.empty()) return report_failure(std::move(error));
  start_handshake();
}

void ViewerConnection::start_handshake() {
  beast::get_lowest_layer(*stream_).expires_after(context_->timeout);
  stream_->async_handshake(
      ssl::stream_base::client,
      beast::bind_front_handler(&ViewerConnection::on_handshake, shared_from_this()));
}

void ViewerConnection::on_handshake(error_code ec) {
  if (closed_) return;
  if (ec) return fail("TLS handshake", ec);
  ++context_->handshakes;
  connected_ = true;
  write();
}

void ViewerConnection::write() {
  // From here on a failure cannot prove the request unseen: its bytes may be in the server's
  // hands, so a create that ends without an answer may have created the study.
  write_started_ = true;
  beast::get_lowest_layer(*stream_).expires_after(context_->timeout);
  http::async_write(*stream_, request_,
                    beast::bind_front_handler(&ViewerConnection::on_write, shared_from_this()));
}

void ViewerConnection::on_write(error_code ec, std::size_t) {
  if (closed_) return;
  if (ec) return fail("write", ec);
  fault::crash_point("request_written");
  parser_.emplace();
  parser_->body_limit(max_response_body);
  beast::get_lowest_layer(*stream_).expires_after(context_->timeout);
  http::async_read(*stream_, buffer_, *parser_,
                   beast::bind_front_handler(&ViewerConnection::on_read, shared_from_this()));
}

void ViewerConnection::on_read(error_code ec, std::size_t) {
  if (closed_) return;
  if (ec) return fail("read", ec);
  fault::crash_point("answer_read");
  // An idle pooled connection must not time out on its own; the next step sets a new deadline.
  beast::get_lowest_layer(*stream_).expires_never();

  auto& response = parser_->get();
  ExchangeResult result;
  result.status = static_cast<int>(response.result_int());
  result.reason = std::string(response.reason());
  if (auto it = response.find(http::field::retry_after); it != response.end())
    result.retry_after = std::string(it->value());
  result.body = std::move(response.body());
  result.reused_connection = reused_;
  if (!response.keep_alive()) disconnect();
  parser_.reset();
  finish(std::move(result));
}

void ViewerConnection::fail(std::string_view step, error_code ec) {
  std::string error(step);
  if (ec == beast::error::timeout) {
    error += " timed out after " + std::to_string(context_->timeout.count()) + " ms";
  } else {
    error += " failed: " + ec.message();
    if (step == "TLS handshake" && stream_) {
      // The SSL error says only "certificate verify failed"; the X509 result says why.
      const long verify = SSL_get_verify_result(stream_->native_handle());
      if (verify != X509_V_OK)
        error += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
    }
  }
  // A server may close a kept-alive connection just as we reuse it; the caller retries with
  // the same Idempotency-Key, so we report rather than resend behind its back.
  if (reused_ && step != "TLS handshake") error += " on a reused keep-alive connection";
  report_failure(std::move(error));
}

void ViewerConnection::report_failure(std::string error) {
  disconnect();
  ExchangeResult result = ExchangeResult::failure(std::move(error));
  result.reused_connection = reused_;
  result.write_started = write_started_;
  finish(std::move(result));
}

void ViewerConnection::finish(ExchangeResult result) {
  if (!done_) return;
  Done done = std::exchange(done_, nullptr);
  done(std::move(result));
}

void ViewerConnection::disconnect() noexcept {
  connected_ = false;
  if (!stream_) return;
  // No TLS close_notify: we hold nothing the server needs, and a polite shutdown would need
  // a deadline of its own. tcp_stream::close() also cancels its timer.
  beast::get_lowest_layer(*stream_).close();
}

}  // namespace gw::viewer::detail
