#include "alarm_board.hpp"

#include "gateway/events/event_bus.hpp"
#include "gateway/log/log.hpp"

namespace gw::app {

void AlarmBoard::set(std::string_view alarm, bool raised, const std::string& detail) {
  const auto it = active_.find(alarm);
  if (raised == (it != active_.end())) return;
  const registry::TimestampMs now = clock_();
  if (raised) {
    active_.emplace(std::string(alarm), console::ActiveAlarm{std::string(alarm), now, detail});
  } else {
    active_.erase(it);
  }
  events::GatewayEvent event;
  event.kind = raised ? events::EventKind::alarm_raised : events::EventKind::alarm_cleared;
  event.at_ms = now;
  event.alarm = std::string(alarm);
  event.detail = detail;
  bus_.publish(event);
}

std::vector<console::ActiveAlarm> AlarmBoard::active() const {
  std::vector<console::ActiveAlarm> out;
  for (const auto& [name, alarm] : active_) out.push_back(alarm);
  return out;
}

}  // namespace gw::app
