#pragma once
// Opens an HTTP CONNECT tunnel (RFC 9110 §9.3.6) through a proxy on a connected TCP stream,
// so that TLS to the real host runs end to end over it: the proxy sees only ciphertext and
// the certificate checked is the Viewer API's, never the proxy's. Internal to the adapter.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>

namespace gw::viewer::detail {

/// One CONNECT exchange. Always held by shared_ptr (each handler keeps it alive); runs on the
/// stream's executor. The stream must outlive the operation: the connection that owns it
/// keeps itself alive until `done` runs.
class ProxyTunnel : public std::enable_shared_from_this<ProxyTunnel> {
 public:
  /// Receives "" once the tunnel is open, or a short reason (never the credentials).
  using Done = std::function<void(std::string error)>;

  /// `target` is "host:port" of the Viewer API; `authorization` the Proxy-Authorization value
  /// or empty; `proxy` names the proxy in errors. The write and the read of the answer each
  /// get `timeout`.
  static void open(boost::beast::tcp_stream& stream, std::string target,
                   const std::string& authorization, const std::string& user_agent,
                   std::string proxy, std::chrono::milliseconds timeout, Done done);

  ProxyTunnel(boost::beast::tcp_stream& stream, std::string proxy,
              std::chrono::milliseconds timeout, Done done);

 private:
  void start();
  void on_write(boost::system::error_code ec, std::size_t bytes);
  void on_read(boost::system::error_code ec, std::size_t bytes);
  void fail(std::string_view step, boost::system::error_code ec);

  boost::beast::tcp_stream& stream_;
  std::string proxy_;
  std::chrono::milliseconds timeout_;
  Done done_;
  // Both must outlive their async operation; owned here, and this object lives until done_.
  boost::beast::http::request<boost::beast::http::empty_body> request_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::response_parser<boost::beast::http::empty_body> parser_;
};

}  // namespace gw::viewer::detail
