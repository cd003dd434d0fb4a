#include "webhook_receiver.hpp"

#include <chrono>
#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace gw::alerts::test {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

}  // namespace

WebhookReceiver::WebhookReceiver(std::optional<TlsFiles> tls)
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  if (tls) {
    tls_.emplace(asio::ssl::context::tls_server);
    tls_->use_certificate_chain_file(tls->certificate.string());
    tls_->use_private_key_file(tls->key.string(), asio::ssl::context::pem);
  }
  asio::co_spawn(io_, accept_loop(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

WebhookReceiver::~WebhookReceiver() {
  io_.stop();
  thread_.join();
  // io_'s destructor then destroys the suspended sessions, closing their sockets.
}

std::string WebhookReceiver::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" +
         std::to_string(acceptor_.local_endpoint().port()) + path;
}

void WebhookReceiver::script(std::vector<int> statuses) {
  std::lock_guard lock(mutex_);
  script_.assign(statuses.begin(), statuses.end());
}

void WebhookReceiver::release_held(int status) {
  asio::post(io_, [this, status] {
    release_status_ = status;
    for (const auto& timer : held_) timer->cancel();
    held_.clear();
  });
}

bool WebhookReceiver::wait(const std::function<bool()>& done) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::seconds(10), done);
}

bool WebhookReceiver::wait_for_requests(std::size_t n) {
  return wait([&] { return requests_.size() >= n; });
}

bool WebhookReceiver::wait_for_failed_handshakes(std::size_t n) {
  return wait([&] { return failed_handshakes_ >= n; });
}

bool WebhookReceiver::wait_for_held_closed_by_client(std::size_t n) {
  return wait([&] { return held_closed_ >= n; });
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t WebhookReceiver::failed_handshakes() const {
  std::lock_guard lock(mutex_);
  return failed_handshakes_;
}

asio::awaitable<void> WebhookReceiver::accept_loop() {
  for (;;) {
    tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
    asio::co_spawn(io_, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> WebhookReceiver::session(tcp::socket socket) {
  try {
    if (!tls_) {
      co_await serve(socket);
      co_return;
    }
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
    boost::system::error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      std::lock_guard lock(mutex_);
      ++failed_handshakes_;
      changed_.notify_all();
      co_return;
    }
    co_await serve(stream);
  } catch (const std::exception&) {
    // A client that went away mid-request: nothing to record.
  }
}

template <class Stream>
asio::awaitable<void> WebhookReceiver::serve(Stream& stream) {
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> request;
  co_await http::async_read(stream, buffer, request, asio::use_awaitable);
  int status = 200;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(ReceivedRequest{
        std::string(request.method_string()), std::string(request.target()),
        std::string(request[http::field::content_type]),
        std::string(request[http::field::user_agent]),
        std::string(request["X-Gateway-Signature"]), request.body()});
    if (!script_.empty()) {
      status = script_.front();
      script_.pop_front();
    }
    changed_.notify_all();
  }
  if (status == hold) {
    // Wait for release_held() or for the client to give up (its read ends with EOF).
    auto timer = std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
    held_.push_back(timer);
    char byte = 0;
    boost::system::error_code timer_ec, read_ec;
    const auto which = co_await (
        timer->async_wait(asio::redirect_error(asio::use_awaitable, timer_ec)) ||
        stream.async_read_some(asio::buffer(&byte, 1),
                               asio::redirect_error(asio::use_awaitable, read_ec)));
    if (which.index() == 1) {
      std::lock_guard lock(mutex_);
      ++held_closed_;
      changed_.notify_all();
      co_return;
    }
    status = release_status_;
  }
  http::response<http::string_body> response(static_cast<http::status>(status), 11);
  response.body() = "{}";
  response.keep_alive(false);
  response.prepare_payload();
  co_await http::async_write(stream, response, asio::use_awaitable);
}

}  // namespace gw::alerts::test
