#pragma once
// A tiny webhook receiver for the alert tests: an HTTP (or HTTPS) server on 127.0.0.1, port 0,
// on its own thread, that records every request and answers the statuses it was scripted with.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace gw::alerts::test {

struct ReceivedRequest {
  std::string method, target, content_type, user_agent, signature, body;
};

/// Owned by one test. Its public functions are safe from the test thread while the server's
/// thread answers; the destructor closes every connection, held ones too.
class WebhookReceiver {
 public:
  static constexpr int hold = -1;  // scripted "never answer" (until release_held or the end)

  struct TlsFiles {
    std::filesystem::path certificate, key;
  };
  explicit WebhookReceiver(std::optional<TlsFiles> tls = std::nullopt);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  /// http(s)://127.0.0.1:<port><path>
  std::string url(const std::string& path = "/hooks/gateway") const;
  /// The answers to the next requests, in order; once used up, every request gets 200.
  void script(std::vector<int> statuses);
  /// Answers every held request with `status`.
  void release_held(int status);

  /// Each waits up to 10 s (the watchdog) and says whether the count was reached.
  bool wait_for_requests(std::size_t n);
  bool wait_for_failed_handshakes(std::size_t n);
  bool wait_for_held_closed_by_client(std::size_t n);

  std::vector<ReceivedRequest> requests() const;
  std::size_t failed_handshakes() const;

 private:
  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream);
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  bool wait(const std::function<bool()>& done);

  std::optional<boost::asio::ssl::context> tls_;  // must outlive io_ (sessions use it)
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> held_;  // server thread only
  int release_status_ = 200;                                      // server thread only
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<int> script_;
  std::vector<ReceivedRequest> requests_;
  std::size_t failed_handshakes_ = 0;
  std::size_t held_closed_ = 0;
};

}  // namespace gw::alerts::test
