#pragma once
// The operations endpoint: GET /metrics (Prometheus), /healthz and /readyz over plain HTTP
// on metrics.listen (loopback by default: it carries no patient data, but no auth either).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "metrics_session.hpp"

namespace gw::app {

/// Accepts on the gateway's io thread and starts one MetricsSession per connection. Every
/// member runs on that thread; owned by run_gateway through a shared_ptr.
class MetricsServer : public std::enable_shared_from_this<MetricsServer> {
 public:
  /// Binds `listen` ("ip:port", "[ipv6]:port"). Throws std::runtime_error when it cannot.
  MetricsServer(boost::asio::io_context& io, const std::string& listen, HttpProbes probes);

  void start();
  /// Stops accepting and closes open connections, so the io_context can run out of work.
  void stop();
  std::uint16_t port() const { return port_; }

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<const HttpProbes> probes_;
  std::vector<std::weak_ptr<MetricsSession>> sessions_;
  std::uint16_t port_ = 0;
};

}  // namespace gw::app
