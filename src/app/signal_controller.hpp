#pragma once
// The daemon's signals, kept apart from what they trigger (as ISC Kea's d_controller does):
// SIGHUP reloads; the first SIGTERM or SIGINT runs the stop sequence; a second one exits at
// once. The steps themselves are the caller's.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <thread>

namespace gw::app {

/// Lives on the io thread; every step runs there except `stop_listener`, which blocks until
/// the open associations end and so runs on a thread of its own. Not copyable.
class SignalController {
 public:
  struct Steps {
    std::function<void()> reload;                     // SIGHUP
    std::function<std::chrono::milliseconds(int signal)> begin_stop;  // returns the grace
    std::function<void()> abort_open;                 // the grace ended with associations open
    std::function<void()> stop_listener;              // blocking: waits for open associations
    std::function<void()> finish;                     // after the listener stopped
  };

  /// Made before the process reports ready: signals that arrive from then on are queued, not
  /// lost, and none kills the process with its default action.
  SignalController(boost::asio::io_context& io, Steps steps);
  ~SignalController();
  SignalController(const SignalController&) = delete;
  SignalController& operator=(const SignalController&) = delete;

  void start();

 private:
  void on_signal(const boost::system::error_code& ec, int signal);

  boost::asio::io_context& io_;
  Steps steps_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer grace_;
  std::thread stopper_;
  bool stopping_ = false;
};

}  // namespace gw::app
