#pragma once
// Fan-out of GatewayEvents to whoever watches: publishers never wait for a watcher.
#include <functional>
#include <mutex>
#include <vector>

#include "gateway/events/gateway_event.hpp"

namespace gw::events {

/// Thread-safe. publish() calls every subscriber on the publishing thread (DICOM workers, the
/// io thread), so a subscriber must only copy the event and post it to its own executor or
/// queue: it must never block, and never call back into the bus. Outlives its subscribers.
class EventBus {
 public:
  using Subscriber = std::function<void(const GatewayEvent&)>;
  /// Returns a handle for unsubscribe().
  int subscribe(Subscriber subscriber);
  /// After it returns, `handle`'s subscriber is not called again.
  void unsubscribe(int handle);
  void publish(const GatewayEvent& event);

 private:
  std::mutex mutex_;
  int next_handle_ = 1;
  std::vector<std::pair<int, Subscriber>> subscribers_;
};

}  // namespace gw::events
