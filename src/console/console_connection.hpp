#pragma once
// One HTTP connection to the console, plain or TLS: read a request, answer it, repeat while
// the client keeps it alive; or, for GET /api/v1/events, stream events until either side
// ends. The shape of Beast's advanced_server session.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <deque>
#include <memory>
#include <optional>

#include "console_state.hpp"
#include "event_stream.hpp"
#include "http_types.hpp"

namespace gw::console {

/// What every connection can be asked from outside: close now (stop).
class ConsoleConnectionBase {
 public:
  virtual ~ConsoleConnectionBase() = default;
  virtual void close() = 0;
};

/// `Stream` is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>. Lives on the io
/// thread; keeps itself alive with shared_from_this in every handler. The parser, the response
/// and the queued chunks are members, so they outlive each async operation that uses them.
template <class Stream>
class ConsoleConnection : public ConsoleConnectionBase, public EventSink,
                          public std::enable_shared_from_this<ConsoleConnection<Stream>> {
 public:
  ConsoleConnection(Stream stream, std::shared_ptr<ConsoleState> state, std::string peer);
  void start();
  void close() override;
  void push(std::shared_ptr<const std::string> chunk) override;
  bool still_allowed() override;

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  void on_write(boost::beast::error_code ec, bool keep_alive);
  void start_streaming(std::string user, std::string session_token);
  void write_next_chunk();
  void watch_for_close();
  void shut_down();

  Stream stream_;
  std::shared_ptr<ConsoleState> state_;
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
  std::deque<std::shared_ptr<const std::string>> chunks_;  // streaming: queued events
  std::array<char, 512> discard_{};  // streaming: what the client sends is read and dropped
  std::string watcher_;        // streaming: the user, and the session token (empty: Basic)
  std::string watcher_session_;
  bool writing_ = false;
  bool closed_ = false;
};

using PlainConsoleConnection = ConsoleConnection<boost::beast::tcp_stream>;
using TlsConsoleConnection = ConsoleConnection<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace gw::console
