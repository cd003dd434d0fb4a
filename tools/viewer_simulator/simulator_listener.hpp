#pragma once
// Accepts TCP connections and hands each to a new SimulatorSession.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>

#include "simulator_state.hpp"

namespace gw::sim {

/// Keeps itself alive through its pending accept; `io_context` and `ssl_context` must outlive
/// it. Constructed on any thread; after run(), touched only by its handlers on its strand.
class SimulatorListener : public std::enable_shared_from_this<SimulatorListener> {
 public:
  /// Binds and listens at once, so a bind failure throws (boost::system::system_error) here.
  SimulatorListener(boost::asio::io_context& io_context, boost::asio::ssl::context& ssl_context,
                    const boost::asio::ip::tcp::endpoint& endpoint,
                    std::shared_ptr<SimulatorState> state);
  /// Starts accepting; call once.
  void run();
  /// The bound port; valid from construction on.
  std::uint16_t port() const { return port_; }

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_context_;
  boost::asio::ssl::context& ssl_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::shared_ptr<SimulatorState> state_;
};

}  // namespace gw::sim
