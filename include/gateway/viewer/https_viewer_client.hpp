#pragma once
// The production ViewerClient: HTTPS with verified TLS, a small keep-alive pool and a FIFO
// queue in front of it, so the number of requests in flight never exceeds max_connections.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/result.hpp>

#include "gateway/viewer/viewer_client.hpp"
#include "gateway/viewer/viewer_client_settings.hpp"
#include "gateway/viewer/viewer_errc.hpp"

namespace gw::viewer {

namespace detail {
struct ConnectionContext;
class ViewerConnection;
}  // namespace detail

/// Sends create requests to the Viewer API over HTTPS (TLS 1.2+, peer and host name verified,
/// SNI for host names). Always owned by shared_ptr (in-flight work keeps it alive); its state
/// lives on a private strand of the executor given to create(), and every handler is posted
/// to that executor. create_study()/shutdown() may be called from any thread, though the
/// gateway calls them from the executor. Destroy it on the executor or after the executor
/// has stopped; destruction answers whatever is pending with "shut down".
class HttpsViewerClient final : public ViewerClient,
                                public std::enable_shared_from_this<HttpsViewerClient> {
 public:
  /// Builds a client; no network traffic until the first create_study(). Errors instead of
  /// exceptions: viewer_errc::bad_url, not_https, ca_file_unreadable, trust_store_unavailable,
  /// bad_settings (max_connections 0, timeout <= 0, CR/LF/control bytes in api_key or
  /// user_agent). The returned error never contains the API key.
  static boost::system::result<std::shared_ptr<HttpsViewerClient>> create(
      boost::asio::any_io_executor executor, ViewerClientSettings settings);

  ~HttpsViewerClient() override;
  HttpsViewerClient(const HttpsViewerClient&) = delete;
  HttpsViewerClient& operator=(const HttpsViewerClient&) = delete;

  /// Queues the request (FIFO) and sends it on a free pooled connection. The handler runs
  /// once on the executor; it is called "shut down" transient after shutdown().
  void create_study(std::string json_body, std::string idempotency_key,
                    CreateHandler handler) override;
  /// Answers queued and in-flight requests with transient "shut down", closes every pooled
  /// connection and refuses later calls the same way. Idempotent.
  void shutdown() override;

  /// Completed TLS handshakes since construction: at most one per pooled connection while the
  /// server keeps connections alive. Thread-safe (atomic); for tests and benchmarks.
  std::uint64_t handshakes() const noexcept;

 private:
  struct Pending {
    std::string body;
    std::string idempotency_key;
    CreateHandler handler;
  };
  struct PrivateTag {};

 public:
  /// Use create(); public only so make_shared can reach it.
  HttpsViewerClient(PrivateTag, boost::asio::any_io_executor executor,
                    ViewerClientSettings settings,
                    std::shared_ptr<detail::ConnectionContext> context);

 private:
  void enqueue(Pending pending);
  void pump();
  void start(detail::ViewerConnection& connection, Pending pending);
  void answer(CreateHandler handler, CreateOutcome outcome);
  void stop_all();

  boost::asio::any_io_executor executor_;                     // where handlers run
  boost::asio::strand<boost::asio::any_io_executor> strand_;  // where the state below lives
  const ViewerClientSettings settings_;
  const std::shared_ptr<detail::ConnectionContext> context_;
  std::vector<std::shared_ptr<detail::ViewerConnection>> pool_;  // grows to max_connections
  std::deque<Pending> queue_;  // waiting for a free connection, oldest first
  bool shut_down_ = false;
};

}  // namespace gw::viewer
