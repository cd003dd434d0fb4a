#pragma once
// One POST to one webhook over a fresh connection, plain TCP or verified TLS: resolve,
// connect, handshake, write, read the status line and headers. Every step has its own
// deadline. Internal to the alerts module; the WebhookSender decides what to send and when.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "webhook_request.hpp"

namespace gw::alerts::detail {

using Strand = boost::asio::strand<boost::asio::any_io_executor>;

/// How one attempt ended: an HTTP status, or an I/O error with the step it failed in.
struct DeliveryResult {
  int status = 0;                 // 0: no answer (see error)
  boost::system::error_code ec;   // set when status == 0
  std::string error;              // for the log: "connect failed: Connection refused"
};

/// One attempt. Always held by shared_ptr (each handler keeps it alive); every member
/// function and handler runs on `strand`.
class WebhookDelivery : public std::enable_shared_from_this<WebhookDelivery> {
 public:
  /// Runs exactly once, on the strand.
  using Done = std::function<void(DeliveryResult)>;

  /// `tls` is null for http:// and shared with later attempts; it outlives this object's
  /// stream because the stream's owner (this) holds it.
  WebhookDelivery(Strand strand, const WebhookEndpoint& endpoint,
                  std::shared_ptr<boost::asio::ssl::context> tls, std::chrono::milliseconds timeout);

  /// Sends `request` once. Call at most once.
  void start(Request request, Done done);
  /// Aborts the attempt: its Done sees operation_aborted (later, on the strand).
  void cancel();

 private:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  boost::beast::tcp_stream& tcp();
  void on_resolve_deadline(boost::system::error_code ec);
  void on_resolve(boost::system::error_code ec,
                  boost::asio::ip::tcp::resolver::results_type results);
  void on_connect(boost::system::error_code ec, const boost::asio::ip::tcp::endpoint& endpoint);
  void on_handshake(boost::system::error_code ec);
  void write();
  void on_write(boost::system::error_code ec, std::size_t bytes);
  void on_read(boost::system::error_code ec, std::size_t bytes);
  void fail(std::string_view step, boost::system::error_code ec);
  void finish(DeliveryResult result);

  Strand strand_;
  WebhookEndpoint endpoint_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // must outlive tls_stream_
  std::chrono::milliseconds timeout_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer resolve_timer_;  // the resolver has no deadline of its own
  std::optional<boost::beast::tcp_stream> plain_stream_;  // exactly one of the two is set
  std::optional<TlsStream> tls_stream_;
  Request request_;  // must outlive async_write: owned here
  boost::beast::flat_buffer buffer_;  // must outlive async_read_header
  // Only the status matters: the header is read and the connection closed, so a receiver's
  // large (or endless) body never costs memory or time.
  boost::beast::http::response_parser<boost::beast::http::empty_body> parser_;
  Done done_;
  bool resolve_timed_out_ = false;
  bool cancelled_ = false;
};

}  // namespace gw::alerts::detail
