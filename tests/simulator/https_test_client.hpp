#pragma once
// A small blocking HTTPS client for the simulator tests: it verifies the simulator's
// certificate and host name as the gateway must, and gives every step a deadline so a test
// of a hung or dropped request fails fast instead of hanging the suite.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gw::sim::test {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// What one exchange gave: an error (connect, handshake, write or read), or a response.
struct Exchange {
  boost::system::error_code error;
  Response response;

  int status() const { return static_cast<int>(response.result_int()); }
  /// The body parsed as JSON; a test failure (and null) when it is not JSON.
  boost::json::value json() const;
};

/// A request with the bearer key, and with a JSON Content-Type when it has a body.
Request make_request(http::verb method, std::string target, std::string body = {},
                     std::string api_key = "sim-key");

/// One connection at a time, reused while the server keeps it alive. Owned by one test
/// thread; not thread-safe.
class HttpsTestClient {
 public:
  /// Connects to 127.0.0.1:`port`, trusting only `ca_pem` and verifying `host_name`
  /// (sent as SNI when it is a DNS name).
  HttpsTestClient(std::uint16_t port, const std::string& ca_pem,
                  std::string host_name = "127.0.0.1",
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Opens a connection (TCP, then the TLS handshake) if none is open.
  boost::system::error_code connect();
  /// Sends `request` on the open connection (opening one if needed) and reads the answer.
  Exchange send(Request request);
  /// How many connections this client has opened so far.
  int connections() const { return connections_; }

 private:
  template <class Start>
  boost::system::error_code run(Start start);

  boost::asio::io_context io_context_;
  boost::asio::ssl::context ssl_context_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> stream_;
  boost::beast::flat_buffer buffer_;
  std::uint16_t port_;
  std::string host_name_;
  std::chrono::milliseconds timeout_;
  int connections_ = 0;
};

}  // namespace gw::sim::test
