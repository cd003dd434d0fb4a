#include "webhook_delivery.hpp"

#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace gw::alerts::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using boost::system::error_code;

}  // namespace

WebhookDelivery::WebhookDelivery(Strand strand, const WebhookEndpoint& endpoint,
                                 std::shared_ptr<ssl::context> tls,
                                 std::chrono::milliseconds timeout)
    : strand_(std::move(strand)),
      endpoint_(endpoint),
      tls_context_(std::move(tls)),
      timeout_(timeout),
      resolver_(strand_),
      resolve_timer_(strand_) {
  if (tls_context_) {
    tls_stream_.emplace(strand_, *tls_context_);
  } else {
    plain_stream_.emplace(strand_);
  }
}

beast::tcp_stream& WebhookDelivery::tcp() {
  return tls_stream_ ? beast::get_lowest_layer(*tls_stream_) : *plain_stream_;
}

void WebhookDelivery::start(Request request, Done done) {
  request_ = std::move(request);
  done_ = std::move(done);
  if (tls_stream_) {
    // SNI lets a virtual-hosted receiver choose its certificate; RFC 6066 forbids IP literals.
    if (!endpoint_.host_is_ip &&
        !SSL_set_tlsext_host_name(tls_stream_->native_handle(), endpoint_.host.c_str())) {
      // Reported from the strand, never from inside start(): Done must not run re-entrantly.
      const error_code ec(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
      return asio::post(strand_, [self = shared_from_this(), ec] { self->fail("TLS setup", ec); });
    }
    // The context verifies the chain (verify_peer); the name is checked per connection.
    tls_stream_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
  }
  resolve_timer_.expires_after(timeout_);
  resolve_timer_.async_wait(
      beast::bind_front_handler(&WebhookDelivery::on_resolve_deadline, shared_from_this()));
  resolver_.async_resolve(endpoint_.host, endpoint_.port,
                          beast::bind_front_handler(&WebhookDelivery::on_resolve,
                                                    shared_from_this()));
}

void WebhookDelivery::cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  resolver_.cancel();
  resolve_timer_.cancel();
  // Closing (not just cancelling) also frees the socket at once; tcp_stream's close cancels
  // its deadline timer too.
  tcp().close();
}

void WebhookDelivery::on_resolve_deadline(error_code ec) {
  if (ec) return;  // cancelled: the resolve finished first
  resolve_timed_out_ = true;
  resolver_.cancel();
}

void WebhookDelivery::on_resolve(error_code ec, asio::ip::tcp::resolver::results_type results) {
  resolve_timer_.cancel();
  if (cancelled_) return fail("resolve", asio::error::operation_aborted);
  if (resolve_timed_out_) return fail("resolve", beast::error::timeout);
  if (ec) return fail("resolve", ec);
  tcp().expires_after(timeout_);
  tcp().async_connect(results,
                      beast::bind_front_handler(&WebhookDelivery::on_connect, shared_from_this()));
}

void WebhookDelivery::on_connect(error_code ec, const asio::ip::tcp::endpoint&) {
  if (cancelled_) return fail("connect", asio::error::operation_aborted);
  if (ec) return fail("connect", ec);
  if (!tls_stream_) return write();
  tcp().expires_after(timeout_);
  tls_stream_->async_handshake(
      ssl::stream_base::client,
      beast::bind_front_handler(&WebhookDelivery::on_handshake, shared_from_this()));
}

void WebhookDelivery::on_handshake(error_code ec) {
  if (cancelled_) return fail("TLS handshake", asio::error::operation_aborted);
  if (ec) return fail("TLS handshake", ec);
  write();
}

void WebhookDelivery::write() {
  tcp().expires_after(timeout_);
  auto handler = beast::bind_front_handler(&WebhookDelivery::on_write, shared_from_this());
  if (tls_stream_) {
    http::async_write(*tls_stream_, request_, std::move(handler));
  } else {
    http::async_write(*plain_stream_, request_, std::move(handler));
  }
}

void WebhookDelivery::on_write(error_code ec, std::size_t) {
  if (cancelled_) return fail("write", asio::error::operation_aborted);
  if (ec) return fail("write", ec);
  tcp().expires_after(timeout_);
  auto handler = beast::bind_front_handler(&WebhookDelivery::on_read, shared_from_this());
  if (tls_stream_) {
    http::async_read_header(*tls_stream_, buffer_, parser_, std::move(handler));
  } else {
    http::async_read_header(*plain_stream_, buffer_, parser_, std::move(handler));
  }
}

void WebhookDelivery::on_read(error_code ec, std::size_t) {
  if (cancelled_) return fail("read", asio::error::operation_aborted);
  if (ec) return fail("read", ec);
  DeliveryResult result;
  result.status = static_cast<int>(parser_.get().result_int());
  // No TLS close_notify: we owe the receiver nothing more, and a polite shutdown would need a
  // deadline of its own.
  tcp().close();
  finish(std::move(result));
}

void WebhookDelivery::fail(std::string_view step, error_code ec) {
  DeliveryResult result;
  result.ec = ec;
  result.error = std::string(step);
  if (ec == beast::error::timeout) {
    result.error += " timed out after " + std::to_string(timeout_.count()) + " ms";
  } else {
    result.error += " failed: " + ec.message();
    if (step == "TLS handshake" && tls_stream_) {
      // The SSL error says only "certificate verify failed"; the X509 result says why.
      const long verify = SSL_get_verify_result(tls_stream_->native_handle());
      if (verify != X509_V_OK)
        result.error += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
    }
  }
  tcp().close();
  finish(std::move(result));
}

void WebhookDelivery::finish(DeliveryResult result) {
  if (!done_) return;
  Done done = std::exchange(done_, nullptr);
  done(std::move(result));
}

}  // namespace gw::alerts::detail
