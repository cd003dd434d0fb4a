#include "service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "gateway/log/log.hpp"

namespace gw::app {
namespace {

std::uint64_t monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket && *socket;
  std::uint64_t usec = 0;
  // unset_environment = 0: children (none today) and tests may still read the variables.
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_ = std::chrono::microseconds(usec);
  }
}

void ServiceNotifier::send(const char* state) {
  if (!enabled_) return;
  const int rc = sd_notify(0, state);
  if (rc < 0) log::warning("sd_notify_failed").kv("state", state).kv("errno", -rc);
}

void ServiceNotifier::ready() { send("READY=1"); }

void ServiceNotifier::reloading() {
  // MONOTONIC_USEC lets systemd 253+ (Type=notify-reload) match READY=1 to this reload.
  const std::string state = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec());
  send(state.c_str());
}

void ServiceNotifier::stopping() { send("STOPPING=1"); }

void ServiceNotifier::watchdog() { send("WATCHDOG=1"); }

void ServiceNotifier::status(std::string_view text) {
  const std::string state = "STATUS=" + std::string(text);
  send(state.c_str());
}

}  // namespace gw::app
