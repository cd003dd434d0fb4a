#include "metrics_server.hpp"

#include <algorithm>
#include <stdexcept>

#include "gateway/log/log.hpp"

namespace gw::app {
namespace {

using boost::asio::ip::tcp;

tcp::endpoint parse_endpoint(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("metrics.listen: no port in " + listen);
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("metrics.listen: not an IP address: " + host);
  const unsigned long port = std::stoul(listen.substr(colon + 1));
  if (port > 65535) throw std::runtime_error("metrics.listen: port out of range: " + listen);
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace

MetricsServer::MetricsServer(boost::asio::io_context& io, const std::string& listen,
                             HttpProbes probes)
    : io_(io), acceptor_(io), probes_(std::make_shared<const HttpProbes>(std::move(probes))) {
  const tcp::endpoint endpoint = parse_endpoint(listen);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on metrics.listen " + listen + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
}

void MetricsServer::start() {
  log::info("metrics_listening")
      .kv("address", acceptor_.local_endpoint().address().to_string())
      .kv("port", static_cast<unsigned>(port_));
  accept();
}

void MetricsServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : sessions_) {
    if (auto session = weak.lock()) session->close();
  }
  sessions_.clear();
}

void MetricsServer::accept() {
  // Sessions share the io thread's executor: one thread, so no strand is needed.
  acceptor_.async_accept(
      io_,
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !self->acceptor_.is_open()) return;
        if (!ec) {
          auto session = std::make_shared<MetricsSession>(std::move(socket), self->probes_);
          std::erase_if(self->sessions_, [](const auto& w) { return w.expired(); });
          self->sessions_.push_back(session);
          session->start();
        }
        // A failed accept (e.g. out of descriptors) is not fatal: keep accepting.
        self->accept();
      });
}

}  // namespace gw::app
