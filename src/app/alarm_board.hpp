#pragma once
// The alarms in force (auth_paused, breaker_open, spool_nearly_full), for the console's
// overview, and each change published once for the event stream and the webhooks.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/console/console_server.hpp"
#include "wall_clock.hpp"

namespace gw::events {
class EventBus;
}

namespace gw::app {

/// io thread only. The bus must outlive it.
class AlarmBoard {
 public:
  AlarmBoard(events::EventBus& bus, WallClock clock) : bus_(bus), clock_(std::move(clock)) {}

  /// Raises or clears `alarm`; only a change is published (and logged).
  void set(std::string_view alarm, bool raised, const std::string& detail);
  std::vector<console::ActiveAlarm> active() const;

 private:
  events::EventBus& bus_;
  WallClock clock_;
  std::map<std::string, console::ActiveAlarm, std::less<>> active_;
};

}  // namespace gw::app
