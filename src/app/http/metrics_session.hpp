#pragma once
// One HTTP connection to the metrics endpoint: read a request, answer it, repeat while the
// client keeps the connection alive. The shape of Beast's advanced_server session.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <memory>
#include <string>

namespace gw::app {

/// What the endpoint serves; called on the io thread for each request.
struct HttpProbes {
  std::function<std::string()> metrics;    // Prometheus text exposition
  std::function<std::string()> not_ready;  // "" when ready, else why not (the 503 body)
};

/// Lives on the gateway's single io thread (its implicit strand); keeps itself alive with
/// shared_from_this in every handler. The request and response buffers are members, so they
/// outlive each async_read/async_write that uses them.
class MetricsSession : public std::enable_shared_from_this<MetricsSession> {
 public:
  MetricsSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<const HttpProbes> probes);
  void start();
  /// Closes the connection now (shutdown); pending operations end with operation_aborted.
  void close();

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  void on_write(boost::beast::error_code ec, bool keep_alive);
  boost::beast::http::response<boost::beast::http::string_body> answer() const;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::shared_ptr<const HttpProbes> probes_;
};

}  // namespace gw::app
