#include "simulator_listener.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "simulator_session.hpp"

namespace gw::sim {

namespace beast = boost::beast;
namespace net = boost::asio;

SimulatorListener::SimulatorListener(net::io_context& io_context, net::ssl::context& ssl_context,
                                     const net::ip::tcp::endpoint& endpoint,
                                     std::shared_ptr<SimulatorState> state)
    : io_context_(io_context),
      ssl_context_(ssl_context),
      acceptor_(net::make_strand(io_context)),
      state_(std::move(state)) {
  acceptor_.open(endpoint.protocol());
  // A fixed port must be reusable at once after a restart, as scripts/run restarts it.
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void SimulatorListener::run() { do_accept(); }

void SimulatorListener::do_accept() {
  // Each connection gets a strand of its own: its handlers never run concurrently.
  acceptor_.async_accept(
      net::make_strand(io_context_),
      beast::bind_front_handler(&SimulatorListener::on_accept, shared_from_this()));
}

void SimulatorListener::on_accept(boost::system::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // stopping
  // Other accept errors (e.g. too many open files) are for this connection only: keep serving.
  if (!ec) {
    // Nagle off, as on any real API's front end: a response's header and body are two TLS
    // records, and the second must not wait for the client's delayed ACK.
    boost::system::error_code ignored;
    socket.set_option(net::ip::tcp::no_delay(true), ignored);
    std::make_shared<SimulatorSession>(std::move(socket), ssl_context_, state_)->run();
  }
  do_accept();
}

}  // namespace gw::sim
