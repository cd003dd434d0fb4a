#pragma once
// One TLS connection: handshake, then read request / answer until the client closes.
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>

#include "http_types.hpp"
#include "simulator_state.hpp"

namespace gw::sim {

/// Keeps itself alive through shared_from_this in every pending handler and runs on its own
/// strand (the executor of the socket it is given); dies when its last operation ends, or
/// when the io_context is destroyed (a hung session waits for exactly that).
class SimulatorSession : public std::enable_shared_from_this<SimulatorSession> {
 public:
  /// `socket` must be bound to a strand; `ssl_context` need only outlive the constructor.
  SimulatorSession(boost::asio::ip::tcp::socket&& socket, boost::asio::ssl::context& ssl_context,
                   std::shared_ptr<SimulatorState> state);
  /// Starts the handshake on the session's strand.
  void run();

 private:
  using Step = void (SimulatorSession::*)();

  void on_run();
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void answer_api();
  void after(std::chrono::milliseconds wait, Step next);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void drop();
  void hang();
  void do_close();
  void log(std::string_view outcome, std::string_view details = {}) const;

  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;  // outlives each async_read; keeps pipelined bytes
  Request request_;                   // filled by async_read, read by the routes
  Response response_;                 // must outlive async_write
  boost::asio::steady_timer timer_;   // latency, delay and hang waits, on the strand
  std::shared_ptr<SimulatorState> state_;
};

}  // namespace gw::sim
