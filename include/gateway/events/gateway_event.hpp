#pragma once
// What the gateway tells its watchers (the console's event stream, the alert webhooks) as it
// happens: plain values, no patient data.
#include <cstdint>
#include <string>
#include <string_view>

namespace gw::events {

enum class EventKind {
  study_arrived,     // an instance was recorded (to_state: "new" when it created the study, else "known")
  study_changed,     // a lifecycle transition was written (from, to, event)
  alarm_raised,      // alarm names: study_failed, auth_paused, breaker_open, spool_nearly_full
  alarm_cleared,
};

std::string_view to_string(EventKind kind);

/// One thing that happened. Value type; safe to copy across threads.
struct GatewayEvent {
  EventKind kind = EventKind::study_arrived;
  std::int64_t at_ms = 0;         // wall clock, milliseconds since the epoch
  std::string study_instance_uid; // empty for alarms that concern no study
  std::string from_state;         // study_changed
  std::string to_state;           // study_arrived (the study's state), study_changed
  std::string event;              // study_changed: the lifecycle event's name
  std::string alarm;              // alarm_*: study_failed, auth_paused, breaker_open, spool_nearly_full
  std::string detail;             // short text for an operator; never patient data or the API key
};

}  // namespace gw::events
