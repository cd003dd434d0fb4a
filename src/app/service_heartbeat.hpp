#pragma once
// The periodic WATCHDOG=1 and STATUS= update, driven by a timer on the gateway's event loop:
// if the loop is stuck, the pings stop and systemd restarts the service.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <string>

#include "service_notifier.hpp"

namespace gw::app {

/// Runs on the io thread only; the notifier must outlive it.
class ServiceHeartbeat {
 public:
  /// `status` builds the STATUS= line (pending count, last error) at each beat.
  ServiceHeartbeat(boost::asio::io_context& io, ServiceNotifier& notifier,
                   std::function<std::string()> status);

  /// Beats at half the watchdog interval (systemd's advice), else every 10 s; does nothing
  /// when not started by systemd.
  void start();
  /// One beat now (e.g. right after a reload), then on schedule.
  void beat();
  void stop();

 private:
  void schedule();

  ServiceNotifier& notifier_;
  std::function<std::string()> status_;
  boost::asio::steady_timer timer_;
  std::chrono::microseconds period_;
  bool stopped_ = false;
};

}  // namespace gw::app
