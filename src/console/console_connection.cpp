#include "console_connection.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "console_replies.hpp"
#include "console_router.hpp"

namespace gw::console {
namespace {

namespace beast = boost::beast;
constexpr auto kRequestTimeout = std::chrono::seconds(30);
// An uploaded DICOM file (POST /api/v1/route) is the largest body the console takes.
constexpr std::uint64_t kBodyLimit = 64ull << 20;
// A stream whose client reads slower than events come is closed rather than buffered forever.
constexpr std::size_t kMaxQueuedChunks = 1000;

template <class Stream>
auto& lowest(Stream& stream) {
  return beast::get_lowest_layer(stream);
}

}  // namespace

template <class Stream>
ConsoleConnection<Stream>::ConsoleConnection(Stream stream, std::shared_ptr<ConsoleState> state,
                                             std::string peer)
    : stream_(std::move(stream)), state_(std::move(state)), peer_(std::move(peer)) {}

template <class Stream>
void ConsoleConnection<Stream>::start() {
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    read();
  } else {
    lowest(stream_).expires_after(kRequestTimeout);
    stream_.async_handshake(boost::asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec) return self->shut_down();
                              self->read();
                            });
  }
}

template <class Stream>
void ConsoleConnection<Stream>::read() {
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  lowest(stream_).expires_after(kRequestTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

template <class Stream>
void ConsoleConnection<Stream>::on_read(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    response_ = Response{http::status::payload_too_large, 11};
    response_.set(http::field::content_type, "application/json; charset=utf-8");
    response_.body() = R"({"error":{"code":"payload_too_large","message":"the body is over 64 MiB"}})";
    response_.keep_alive(false);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code e, std::size_t) {
      self->on_write(e, false);
    });
    return;
  }
  if (ec) return shut_down();
  Request request = parser_->release();
  Reply reply = handle_request(*state_, request, peer_);
  if (reply.stream_events) return start_streaming(std::move(reply.user), std::move(reply.session_token));
  response_ = std::move(reply.response);
  const bool keep_alive = response_.keep_alive();
  lowest(stream_).expires_after(kRequestTimeout);
  http::async_write(stream_, response_, [self = this->shared_from_this(), keep_alive](beast::error_code e, std::size_t) {
    self->on_write(e, keep_alive);
  });
}

template <class Stream>
void ConsoleConnection<Stream>::on_write(beast::error_code ec, bool keep_alive) {
  if (ec || !keep_alive || closed_) return shut_down();
  read();
}

template <class Stream>
void ConsoleConnection<Stream>::start_streaming(std::string user, std::string session_token) {
  watcher_ = std::move(user);
  watcher_session_ = std::move(session_token);
  // The body of this response is the stream itself, ended by closing the connection.
  auto header = std::make_shared<const std::string>(
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n" +
      security_header_lines(state_->tls) + "\r\n: stream open\n\n");
  lowest(stream_).expires_never();
  chunks_.push_back(std::move(header));
  write_next_chunk();
  state_->events->add(this->shared_from_this());
  watch_for_close();
}

template <class Stream>
void ConsoleConnection<Stream>::watch_for_close() {
  // The one read a stream keeps pending: it holds the connection alive between events, and
  // ends it when the client goes away (a client sends nothing more on an event stream).
  stream_.async_read_some(boost::asio::buffer(discard_),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->shut_down();
                            self->watch_for_close();
                          });
}

template <class Stream>
void ConsoleConnection<Stream>::push(std::shared_ptr<const std::string> chunk) {
  if (closed_) return;
  if (chunks_.size() >= kMaxQueuedChunks) return close();
  chunks_.push_back(std::move(chunk));
  if (!writing_) write_next_chunk();
}

template <class Stream>
void ConsoleConnection<Stream>::write_next_chunk() {
  if (chunks_.empty() || closed_) return;
  writing_ = true;
  // chunks_.front() stays in the queue (and alive) until this write completes.
  boost::asio::async_write(stream_, boost::asio::buffer(*chunks_.front()),
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             self->writing_ = false;
                             if (ec) return self->shut_down();
                             self->chunks_.pop_front();
                             self->write_next_chunk();
                           });
}

template <class Stream>
bool ConsoleConnection<Stream>::still_allowed() {
  if (!state_->users.find(watcher_)) return false;
  return watcher_session_.empty() ||
         state_->sessions.find(watcher_session_, SessionStore::Clock::now()).has_value();
}

template <class Stream>
void ConsoleConnection<Stream>::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  lowest(stream_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  lowest(stream_).close();
}

template <class Stream>
void ConsoleConnection<Stream>::shut_down() {
  close();
}

template class ConsoleConnection<beast::tcp_stream>;
template class ConsoleConnection<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace gw::console
