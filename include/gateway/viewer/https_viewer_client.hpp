#pragma once
// The production ViewerClient: HTTPS with verified TLS (directly or through an HTTP CONNECT
// proxy), a small keep-alive pool and a FIFO queue in front of it, so the number of requests
// in flight never exceeds max_connections.
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
struct ExchangeResult;
}  // namespace detail

/// Talks to the Viewer API over HTTPS (TLS 1.2+, peer and host name verified, SNI for host
/// names; through a proxy the tunnel is end to end, so the API's certificate is the one
/// verified). Always owned by shared_ptr (in-flight work keeps it alive); its state lives on a
/// private strand of the executor given to create(), and every handler is posted to that
/// executor. The calls may be made from any thread, though the gateway makes them from the
/// executor. Destroy it on the executor or after the executor has stopped; destruction answers
/// whatever is pending with "shut down".
class HttpsViewerClient final : public ViewerClient,
                                public std::enable_shared_from_this<HttpsViewerClient> {
 public:
  /// Builds a client; no network traffic until the first call. The proxy (settings or
  /// environment) is decided here, once. Errors instead of exceptions: viewer_errc::bad_url,
  /// not_https, ca_file_unreadable, trust_store_unavailable, bad_proxy, bad_settings
  /// (max_connections or max_list_pages 0, timeout <= 0, CR/LF/control bytes in api_key or
  /// user_agent). The returned error never contains the API key or proxy credentials.
  static boost::system::result<std::shared_ptr<HttpsViewerClient>> create(
      boost::asio::any_io_executor executor, ViewerClientSettings settings);

  ~HttpsViewerClient() override;
  HttpsViewerClient(const HttpsViewerClient&) = delete;
  HttpsViewerClient& operator=(const HttpsViewerClient&) = delete;

  /// Queues the request (FIFO) and sends it on a free pooled connection. The handler runs
  /// once on the executor; it is called "shut down" transient after shutdown().
  void create_study(std::string json_body, std::string idempotency_key,
                    CreateHandler handler) override;
  /// Queues the GET like a create. A GET that fails on a reused keep-alive connection before
  /// any answer is resent once on a fresh one: it is safe to repeat, unlike a create.
  void get_study(std::string study_id, GetHandler handler) override;
  /// One GET by UID through the same queue and pool, resent like get_study.
  void find_study(std::string study_instance_uid, FindHandler handler) override;
  /// One GET by userId through the same queue and pool, resent like get_study.
  void get_user(std::string user_id, UserHandler handler) override;
  /// Every page of customers, through the same queue and pool.
  void list_customers(CustomersHandler handler) override;
  /// Posts the new key to the strand; requests that start after it use it.
  boost::system::error_code set_api_key(std::string api_key) override;
  /// Answers queued and in-flight requests with transient "shut down", closes every pooled
  /// connection and refuses later calls the same way. Idempotent.
  void shutdown() override;
  void after_started(std::function<void()> then) override;

  /// Completed TLS handshakes since construction: at most one per pooled connection while the
  /// server keeps connections alive. Thread-safe (atomic); for tests and benchmarks.
  std::uint64_t handshakes() const noexcept;
  /// True when requests go through a proxy (decided at create()). Thread-safe.
  bool uses_proxy() const noexcept;

 private:
  using ExchangeDone = std::function<void(detail::ExchangeResult)>;
  // One HTTP request waiting for, or on, a connection. `done` runs on the strand.
  struct Pending {
    bool post = false;  // POST create; otherwise GET
    std::string target;
    std::string body;
    std::string idempotency_key;
    ExchangeDone done;
    bool resent = false;  // a GET already resent after a stale keep-alive connection
  };
  struct PrivateTag {};

 public:
  /// Use create(); public only so make_shared can reach it.
  HttpsViewerClient(PrivateTag, boost::asio::any_io_executor executor,
                    ViewerClientSettings settings,
                    std::shared_ptr<detail::ConnectionContext> context);

 private:
  void submit(Pending pending);  // any thread: posts to the strand
  void enqueue(Pending pending);  // strand
  void pump();
  void start(detail::ViewerConnection& connection, Pending pending);
  void fetch(std::string target, ExchangeDone done);
  // One GET whose result `read(result, now)` turns into the outcome `handler` receives.
  template <class Handler, class Read>
  void get_one(std::string target, Handler handler, Read read);
  template <class Handler, class Outcome>
  void answer(Handler handler, Outcome outcome);
  void stop_all();

  boost::asio::any_io_executor executor_;                     // where handlers run
  boost::asio::strand<boost::asio::any_io_executor> strand_;  // where the state below lives
  ViewerClientSettings settings_;  // api_key changes on the strand; the rest is fixed
  const std::shared_ptr<detail::ConnectionContext> context_;
  std::vector<std::shared_ptr<detail::ViewerConnection>> pool_;  // grows to max_connections
  std::deque<Pending> queue_;  // waiting for a free connection, oldest first
  bool shut_down_ = false;
};

}  // namespace gw::viewer
