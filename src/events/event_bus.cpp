#include "gateway/events/event_bus.hpp"

#include <algorithm>

namespace gw::events {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::study_arrived: return "arrival";
    case EventKind::study_changed: return "state";
    case EventKind::alarm_raised: return "alarm";
    case EventKind::alarm_cleared: return "alarm_cleared";
  }
  return "unknown";
}

int EventBus::subscribe(Subscriber subscriber) {
  std::lock_guard lock(mutex_);
  subscribers_.emplace_back(next_handle_, std::move(subscriber));
  return next_handle_++;
}

void EventBus::unsubscribe(int handle) {
  std::lock_guard lock(mutex_);
  std::erase_if(subscribers_, [handle](const auto& s) { return s.first == handle; });
}

void EventBus::publish(const GatewayEvent& event) {
  // Under the lock, so unsubscribe() returning means no call is still running. Subscribers
  // only copy and post (see the header), so holding it is brief.
  std::lock_guard lock(mutex_);
  for (const auto& [handle, subscriber] : subscribers_) subscriber(event);
}

}  // namespace gw::events
