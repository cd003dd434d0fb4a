#pragma once
// The systemd notification protocol (sd_notify): READY, RELOADING, STOPPING, WATCHDOG and
// STATUS lines. Without NOTIFY_SOCKET (not started by systemd) every call does nothing.
#include <chrono>
#include <optional>
#include <string_view>

namespace gw::app {

/// Thread-safe (each call is one datagram); owned by run_gateway.
class ServiceNotifier {
 public:
  /// Reads NOTIFY_SOCKET and WATCHDOG_USEC once; the environment is left as it is.
  ServiceNotifier();

  /// The DICOM port listens and the database is open: start-up is over.
  void ready();
  /// SIGHUP: configuration is being re-read; ready() follows when done.
  void reloading();
  /// SIGTERM: the stop sequence has begun.
  void stopping();
  /// The one-line state `systemctl status` shows.
  void status(std::string_view text);
  /// "Still alive": sent from the event loop, so a stuck loop stops sending it.
  void watchdog();

  /// How often systemd expects watchdog(); nullopt when it does not watch the gateway.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }
  bool enabled() const { return enabled_; }

 private:
  void send(const char* state);

  bool enabled_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace gw::app
