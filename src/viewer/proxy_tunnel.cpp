#include "proxy_tunnel.hpp"

#include <utility>

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "gateway/viewer/wire_format.hpp"

namespace gw::viewer::detail {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

void ProxyTunnel::open(beast::tcp_stream& stream, std::string target,
                       const std::string& authorization, const std::string& user_agent,
                       std::string proxy, std::chrono::milliseconds timeout, Done done) {
  auto tunnel = std::make_shared<ProxyTunnel>(stream, std::move(proxy), timeout, std::move(done));
  tunnel->request_.method(http::verb::connect);
  tunnel->request_.target(target);
  tunnel->request_.version(11);
  tunnel->request_.set(http::field::host, target);
  if (!authorization.empty()) tunnel->request_.set(http::field::proxy_authorization, authorization);
  tunnel->request_.set(http::field::user_agent, user_agent);
  tunnel->start();
}

ProxyTunnel::ProxyTunnel(beast::tcp_stream& stream, std::string proxy,
                         std::chrono::milliseconds timeout, Done done)
    : stream_(stream), proxy_(std::move(proxy)), timeout_(timeout), done_(std::move(done)) {
  // A refusal's body (an HTML page, usually) is not read: the connection is closed anyway.
  parser_.skip(true);
}

void ProxyTunnel::start() {
  stream_.expires_after(timeout_);
  http::async_write(stream_, request_,
                    beast::bind_front_handler(&ProxyTunnel::on_write, shared_from_this()));
}

void ProxyTunnel::on_write(error_code ec, std::size_t) {
  if (ec) return fail("write", ec);
  stream_.expires_after(timeout_);
  http::async_read_header(stream_, buffer_, parser_,
                          beast::bind_front_handler(&ProxyTunnel::on_read, shared_from_this()));
}

void ProxyTunnel::on_read(error_code ec, std::size_t) {
  if (ec) return fail("read", ec);
  stream_.expires_never();
  const auto& response = parser_.get();
  const unsigned status = response.result_int();
  if (status < 200 || status > 299) {
    std::string error = "proxy " + proxy_ + " refused CONNECT: HTTP " + std::to_string(status);
    if (!response.reason().empty()) error += " " + truncate_utf8(response.reason(), 100);
    return done_(std::move(error));
  }
  // The server speaks only after our ClientHello; bytes here would be lost to TLS.
  if (buffer_.size() != 0)
    return done_("proxy " + proxy_ + " sent data after accepting CONNECT");
  done_({});
}

void ProxyTunnel::fail(std::string_view step, error_code ec) {
  std::string error = "proxy " + proxy_ + " CONNECT " + std::string(step);
  if (ec == beast::error::timeout) {
    error += " timed out after " + std::to_string(timeout_.count()) + " ms";
  } else {
    error += " failed: " + ec.message();
  }
  done_(std::move(error));
}

}  // namespace gw::viewer::detail
