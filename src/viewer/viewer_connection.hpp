#pragma once
// One pooled HTTPS connection to the Viewer API: connects (directly or through a CONNECT
// proxy), verifies, sends one request at a time and keeps the connection alive for the next. Internal to the viewer adapter; the
// HttpsViewerClient owns the pool and decides which connection sends what.
#include <atomic>
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
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "exchange_result.hpp"
#include "proxy_route.hpp"
#include "viewer_endpoint.hpp"

namespace gw::viewer::detail {

using Strand = boost::asio::strand<boost::asio::any_io_executor>;
using Request = boost::beast::http::request<boost::beast::http::string_body>;

/// What all connections of one client share. Owned jointly (shared_ptr) by the client and its
/// connections, so the SSL context outlives every stream built on it. Immutable after
/// construction except `handshakes`, which is atomic so tests may read it from any thread.
struct ConnectionContext {
  ConnectionContext(ViewerEndpoint e, std::optional<ProxyRoute> p, std::chrono::milliseconds t,
                    boost::asio::ssl::context s, std::string ua)
      : endpoint(std::move(e)), proxy(std::move(p)), timeout(t), ssl(std::move(s)),
        user_agent(std::move(ua)) {}
  ViewerEndpoint endpoint;
  std::optional<ProxyRoute> proxy;  // nullopt: connect directly
  std::chrono::milliseconds timeout;
  boost::asio::ssl::context ssl;
  std::string user_agent;
  std::atomic<std::uint64_t> handshakes{0};  // completed TLS handshakes
};

/// One connection of the pool. Always held by shared_ptr (each handler keeps it alive);
/// every member function and handler runs on the client's strand.
class ViewerConnection : public std::enable_shared_from_this<ViewerConnection> {
 public:
  /// Receives the result of one send(); runs exactly once, on the strand, when this
  /// connection is already idle again (so it may be handed the next request at once).
  using Done = ExchangeDone;

  ViewerConnection(Strand strand, std::shared_ptr<ConnectionContext> context);

  /// Sends `request` (re)connecting first if needed. Only call when !busy().
  void send(Request request, Done done);
  /// Aborts what is in flight (its Done sees transient "shut down" before this returns) and
  /// closes the socket. The connection must not be used afterwards.
  void close();

  bool busy() const noexcept { return static_cast<bool>(done_); }
  bool connected() const noexcept { return connected_; }

 private:
  using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  void start_connect();
  void on_resolve_deadline(std::uint64_t attempt, boost::system::error_code ec);
  void on_resolve(boost::system::error_code ec,
                  boost::asio::ip::tcp::resolver::results_type results);
  void on_connect(boost::system::error_code ec, const boost::asio::ip::tcp::endpoint& endpoint);
  void on_tunnel(std::string error);
  void start_handshake();
  void on_handshake(boost::system::error_code ec);
  void write();
  void on_write(boost::system::error_code ec, std::size_t bytes);
  void on_read(boost::system::error_code ec, std::size_t bytes);

  void fail(std::string_view step, boost::system::error_code ec);
  void report_failure(std::string error);
  void finish(ExchangeResult result);
  void disconnect() noexcept;

  Strand strand_;
  std::shared_ptr<ConnectionContext> context_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer resolve_timer_;  // the resolver has no deadline of its own
  std::optional<Stream> stream_;  // rebuilt per TCP connection: an SSL stream is single-use
  // Holds bytes read past one response (kept-alive connections); must outlive async_read.
  boost::beast::flat_buffer buffer_;
  Request request_;  // must outlive async_write: owned here until the next send()
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  Done done_;  // set while a request is in flight
  std::chrono::steady_clock::time_point connect_deadline_;
  std::uint64_t attempt_ = 0;  // tells a stale resolve deadline from the current one
  bool resolve_timed_out_ = false;
  bool connected_ = false;
  bool reused_ = false;  // this request went out on a kept-alive connection
  bool write_started_ = false;  // this request's bytes may have reached the server
  bool closed_ = false;
};

}  // namespace gw::viewer::detail
