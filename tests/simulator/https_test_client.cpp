#include "https_test_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

namespace gw::sim::test {

namespace beast = boost::beast;
namespace net = boost::asio;

boost::json::value Exchange::json() const {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(response.body(), ec);
  EXPECT_FALSE(ec) << "not JSON: " << response.body();
  return parsed;
}

Request make_request(http::verb method, std::string target, std::string body, std::string api_key) {
  Request request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!api_key.empty()) request.set(http::field::authorization, "Bearer " + api_key);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

HttpsTestClient::HttpsTestClient(std::uint16_t port, const std::string& ca_pem,
                                 std::string host_name, std::chrono::milliseconds timeout)
    : ssl_context_(net::ssl::context::tls_client),
      port_(port),
      host_name_(std::move(host_name)),
      timeout_(timeout) {
  // Only the simulator's certificate is trusted: no system store, as in the gateway's tests.
  ssl_context_.add_certificate_authority(net::buffer(ca_pem));
  ssl_context_.set_verify_mode(net::ssl::verify_peer);
}

// Runs one asynchronous step to completion on this thread. Asynchronous so that the
// tcp_stream deadline applies: blocking Beast calls have none.
template <class Start>
boost::system::error_code HttpsTestClient::run(Start start) {
  boost::system::error_code result = net::error::would_block;
  beast::get_lowest_layer(*stream_).expires_after(timeout_);
  start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
  io_context_.restart();
  io_context_.run();
  return result;
}

boost::system::error_code HttpsTestClient::connect() {
  if (stream_) return {};
  stream_.emplace(io_context_, ssl_context_);
  buffer_.clear();
  ++connections_;
  stream_->set_verify_callback(net::ssl::host_name_verification(host_name_));
  boost::system::error_code ec;
  net::ip::make_address(host_name_, ec);
  if (ec) SSL_set_tlsext_host_name(stream_->native_handle(), host_name_.c_str());  // DNS: SNI

  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port_);
  ec = run(
      [&](auto handler) { beast::get_lowest_layer(*stream_).async_connect(endpoint, handler); });
  if (!ec) {
    ec = run(
        [&](auto handler) { stream_->async_handshake(net::ssl::stream_base::client, handler); });
  }
  if (ec) stream_.reset();
  return ec;
}

Exchange HttpsTestClient::send(Request request) {
  Exchange exchange;
  exchange.error = connect();
  if (exchange.error) return exchange;
  exchange.error = run([&](auto handler) { http::async_write(*stream_, request, handler); });
  if (!exchange.error) {
    exchange.error =
        run([&](auto handler) { http::async_read(*stream_, buffer_, exchange.response, handler); });
  }
  // A failed or closing connection is not reused: the next send opens a fresh one.
  if (exchange.error || exchange.response.need_eof()) stream_.reset();
  return exchange;
}

}  // namespace gw::sim::test
