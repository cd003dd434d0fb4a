#include "signal_controller.hpp"

#include <boost/asio/post.hpp>

#include <csignal>
#include <cstdlib>

#include "gateway/log/log.hpp"

namespace gw::app {

SignalController::SignalController(boost::asio::io_context& io, Steps steps)
    : io_(io), steps_(std::move(steps)), signals_(io, SIGINT, SIGTERM, SIGHUP), grace_(io) {}

SignalController::~SignalController() {
  if (stopper_.joinable()) stopper_.join();
}

void SignalController::start() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) { on_signal(ec, signal); });
}

void SignalController::on_signal(const boost::system::error_code& ec, int signal) {
  if (ec) return;
  if (signal == SIGHUP) {
    if (!stopping_) steps_.reload();
    start();
    return;
  }
  if (stopping_) {
    // A second SIGTERM: exit now. Every acknowledged instance is durable already (spool
    // fsynced, registry committed before the answer); unanswered ones are resent by their
    // peers, and in-flight registrations are looked up on the next start.
    log::warning("gateway_stopping_now").kv("signal", signal);
    std::_Exit(0);
  }
  stopping_ = true;
  grace_.expires_after(steps_.begin_stop(signal));
  grace_.async_wait([this](boost::system::error_code e) {
    if (!e) steps_.abort_open();
  });
  stopper_ = std::thread([this] {
    steps_.stop_listener();
    boost::asio::post(io_, [this] {
      grace_.cancel();
      steps_.finish();
      signals_.cancel();
    });
  });
  start();
}

}  // namespace gw::app
