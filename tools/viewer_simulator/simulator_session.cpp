#include "simulator_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "json_response.hpp"

namespace gw::sim {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// Long enough for a keep-alive pool to reuse a connection, short enough that idle ones go.
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kHandshakeTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);

}  // namespace

SimulatorSession::SimulatorSession(net::ip::tcp::socket&& socket, net::ssl::context& ssl_context,
                                   std::shared_ptr<SimulatorState> state)
    : stream_(std::move(socket), ssl_context),
      timer_(stream_.get_executor()),
      state_(std::move(state)) {}

void SimulatorSession::run() {
  // The socket's executor is a strand; start there so no handler of ours ever runs elsewhere.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&SimulatorSession::on_run, shared_from_this()));
}

void SimulatorSession::on_run() {
  beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
  stream_.async_handshake(
      net::ssl::stream_base::server,
      beast::bind_front_handler(&SimulatorSession::on_handshake, shared_from_this()));
}

void SimulatorSession::on_handshake(beast::error_code ec) {
  if (ec) return;  // a client that rejected our certificate, or no TLS at all: just close
  do_read();
}

void SimulatorSession::do_read() {
  request_ = {};
  beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
  http::async_read(stream_, buffer_, request_,
                   beast::bind_front_handler(&SimulatorSession::on_read, shared_from_this()));
}

void SimulatorSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec) return;  // timeout, reset, or a malformed request: drop the connection
  if (ControlRoutes::is_control(request_)) {
    response_ = state_->control.handle(request_);
    return do_write();
  }
  answer_api();
}

void SimulatorSession::answer_api() {
  const std::uint64_t ticket = state_->requests.append(
      {std::string(request_.method_string()), std::string(request_.target()),
       std::string(request_["Idempotency-Key"]), state_->api.is_authorized(request_), 0,
       request_.body()});
  const std::optional<Fault> fault = state_->faults.take(request_.target());
  if (fault && fault->hang) {
    log("hung", "(fault)");
    return hang();
  }
  if (fault && fault->drop) {
    log("dropped", "(fault)");
    return after(fault->delay, &SimulatorSession::drop);
  }

  std::string details;
  if (fault && fault->status != 0) {
    response_ =
        error_response(request_, static_cast<http::status>(fault->status), "simulated fault");
    if (!fault->retry_after.empty()) response_.set(http::field::retry_after, fault->retry_after);
    details = "(fault)";
  } else {
    ApiAnswer answer = state_->api.handle(request_);
    response_ = std::move(answer.response);
    if (!answer.study_id.empty()) {
      details = "study=" + answer.study_id + " uid=" + answer.study_instance_uid;
    }
  }
  state_->requests.set_status(ticket, static_cast<int>(response_.result_int()));
  log(std::to_string(response_.result_int()), details);
  // The call has taken effect already: a delayed answer models a slow network, so a client
  // that gives up early leaves a study behind, as it would in production.
  after((fault ? fault->delay : std::chrono::milliseconds{0}) + state_->latency,
        &SimulatorSession::do_write);
}

void SimulatorSession::after(std::chrono::milliseconds wait, Step next) {
  if (wait <= std::chrono::milliseconds::zero()) return (this->*next)();
  timer_.expires_after(wait);
  timer_.async_wait([self = shared_from_this(), next](beast::error_code ec) {
    if (!ec) ((*self).*next)();
  });
}

void SimulatorSession::do_write() {
  beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&SimulatorSession::on_write, shared_from_this()));
}

void SimulatorSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) return;
  if (response_.need_eof()) return do_close();
  do_read();
}

void SimulatorSession::drop() {
  // No TLS close_notify and no answer: the client sees the connection vanish mid-request.
  auto& socket = beast::get_lowest_layer(stream_).socket();
  beast::error_code ignored;
  socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void SimulatorSession::hang() {
  // Nothing left to read or write, so no deadline applies; the wait below only keeps this
  // session (and its open socket) alive until the io_context is destroyed by stop().
  beast::get_lowest_layer(stream_).expires_never();
  timer_.expires_at(net::steady_timer::time_point::max());
  timer_.async_wait([self = shared_from_this()](beast::error_code) {});
}

void SimulatorSession::do_close() {
  beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
}

void SimulatorSession::log(std::string_view outcome, std::string_view details) const {
  if (!state_->log) return;
  std::string line = std::string(request_.method_string()) + " " + std::string(request_.target()) +
                     " " + std::string(outcome);
  if (!details.empty()) line += " " + std::string(details);
  state_->log(line);
}

}  // namespace gw::sim
