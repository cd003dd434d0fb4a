#include "console_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>

#include <array>

namespace gw::test {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kStepTimeout = std::chrono::seconds(10);
const std::string kHost = "127.0.0.1";

/// Runs one asynchronous step to completion on this thread, under the stream's deadline
/// (blocking Beast calls have none).
template <class Stream, class Start>
boost::system::error_code run_step(net::io_context& io, Stream& stream, std::chrono::milliseconds timeout,
                                   Start start) {
  boost::system::error_code result = net::error::would_block;
  beast::get_lowest_layer(stream).expires_after(timeout);
  start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

/// Opens the socket (bound to `source` when given) and connects to the console.
template <class Stream>
boost::system::error_code connect(net::io_context& io, Stream& stream, const ConsoleEndpoint& endpoint) {
  auto& socket = beast::get_lowest_layer(stream).socket();
  boost::system::error_code ec;
  socket.open(tcp::v4(), ec);
  if (!ec && !endpoint.source_address.empty()) {
    socket.bind({net::ip::make_address(endpoint.source_address), 0}, ec);
  }
  if (ec) return ec;
  const tcp::endpoint server(net::ip::make_address(kHost), endpoint.port);
  return run_step(io, stream, kStepTimeout,
                  [&](auto handler) { beast::get_lowest_layer(stream).async_connect(server, handler); });
}

http::request<http::string_body> make_request(http::verb method, const std::string& target,
                                              const std::string& body,
                                              const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, kHost);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  return request;
}

template <class Stream>
ConsoleReply exchange(net::io_context& io, Stream& stream, http::request<http::string_body>& request) {
  ConsoleReply reply;
  beast::flat_buffer buffer;
  // The request and buffer live on this frame until io.run() has finished each step.
  reply.error = run_step(io, stream, kStepTimeout, [&](auto handler) { http::async_write(stream, request, handler); });
  if (!reply.error) {
    reply.error = run_step(io, stream, kStepTimeout,
                           [&](auto handler) { http::async_read(stream, buffer, reply.response, handler); });
  }
  return reply;
}

net::ssl::context client_tls_context(const std::filesystem::path& ca) {
  net::ssl::context context(net::ssl::context::tls_client);
  // Only the test CA: no system store.
  context.load_verify_file(ca.string());
  context.set_verify_mode(net::ssl::verify_peer);
  return context;
}

}  // namespace

boost::json::value ConsoleReply::json() const {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(response.body(), ec);
  EXPECT_FALSE(ec) << "not JSON (HTTP " << status() << "): " << response.body();
  return ec ? boost::json::value{} : parsed;
}

std::string ConsoleReply::error_code() const {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(response.body(), ec);
  if (ec || !parsed.is_object()) return {};
  const auto* error = parsed.as_object().if_contains("error");
  if (!error || !error->is_object()) return {};
  const auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->as_string()) : std::string{};
}

std::string basic_auth(const std::string& user, const std::string& password) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + password;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return "Basic " + out;
}

ConsoleReply console_request(const ConsoleEndpoint& endpoint, http::verb method, const std::string& target,
                             const std::string& body, const std::map<std::string, std::string>& headers) {
  net::io_context io;
  auto request = make_request(method, target, body, headers);
  ConsoleReply reply;
  if (!endpoint.tls_ca) {
    beast::tcp_stream stream(io);
    reply.error = connect(io, stream, endpoint);
    if (!reply.error) reply = exchange(io, stream, request);
    return reply;
  }
  auto context = client_tls_context(*endpoint.tls_ca);
  beast::ssl_stream<beast::tcp_stream> stream(io, context);
  stream.set_verify_callback(net::ssl::host_name_verification(kHost));
  reply.error = connect(io, stream, endpoint);
  if (!reply.error) {
    reply.error = run_step(io, stream, kStepTimeout,
                           [&](auto handler) { stream.async_handshake(net::ssl::stream_base::client, handler); });
  }
  if (!reply.error) reply = exchange(io, stream, request);
  return reply;
}

struct EventStreamReader::Impl {
  net::io_context io;
  beast::tcp_stream stream{io};
  ConsoleEndpoint endpoint;
  http::request<http::string_body> request;
  bool connected = false;
  std::array<char, 4096> chunk{};
};

EventStreamReader::EventStreamReader(const ConsoleEndpoint& endpoint,
                                     const std::map<std::string, std::string>& headers)
    : impl_(std::make_unique<Impl>()) {
  impl_->endpoint = endpoint;
  impl_->request = make_request(http::verb::get, "/api/v1/events", {}, headers);
}

EventStreamReader::~EventStreamReader() {
  boost::system::error_code ignored;
  impl_->stream.socket().close(ignored);
}

bool EventStreamReader::open(std::chrono::milliseconds timeout) {
  if (!impl_->connected) {
    if (connect(impl_->io, impl_->stream, impl_->endpoint)) return false;
    if (run_step(impl_->io, impl_->stream, kStepTimeout,
                 [&](auto handler) { http::async_write(impl_->stream, impl_->request, handler); })) {
      return false;
    }
    impl_->connected = true;
  }
  return wait_for(": stream open", timeout);
}

bool EventStreamReader::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received_.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0)) return false;
    std::size_t got = 0;
    const auto ec = run_step(impl_->io, impl_->stream, left, [&](auto handler) {
      impl_->stream.async_read_some(net::buffer(impl_->chunk),
                                    [&got, handler](boost::system::error_code e, std::size_t n) mutable {
                                      got = n;
                                      handler(e);
                                    });
    });
    received_.append(impl_->chunk.data(), got);
    if (ec) return received_.find(needle) != std::string::npos;
  }
  return true;
}

}  // namespace gw::test
