#pragma once
// GET /api/v1/events: the gateway's events as Server-Sent Events to every open page.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/events/gateway_event.hpp"

namespace gw::events {
class EventBus;
}

namespace gw::console {

/// One open event stream (a connection in streaming mode). io thread only.
class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Queues `chunk` (one or more complete SSE events) to be written after what is queued.
  virtual void push(std::shared_ptr<const std::string> chunk) = 0;
  /// Ends the stream (stop, or a client too slow to keep up).
  virtual void close() = 0;
  /// Whether its user may still watch: not removed on reload, session not ended.
  virtual bool still_allowed() = 0;
};

/// "event: <kind>\ndata: <json>\n\n" for `event`; no patient data is in an event.
std::string format_sse(const events::GatewayEvent& event);

/// Subscribes to the bus; each event is posted to the io thread, counted by `observe`, and
/// written to every live sink. A comment line every 15 s keeps proxies from closing idle
/// streams. Owned by the console through a shared_ptr; posted handlers keep it alive.
class EventStream : public std::enable_shared_from_this<EventStream> {
 public:
  EventStream(boost::asio::any_io_executor io, events::EventBus* bus,
              std::function<void(const events::GatewayEvent&)> observe);
  void start();
  void stop();
  void add(const std::shared_ptr<EventSink>& sink);
  /// Closes every stream whose user may no longer watch (reload, logout; and every 15 s, for
  /// sessions that expired).
  void revalidate();
  std::size_t open_streams() const { return sinks_.size(); }

 private:
  void deliver(const events::GatewayEvent& event);
  void broadcast(const std::shared_ptr<const std::string>& chunk);
  void heartbeat();

  boost::asio::any_io_executor io_;
  events::EventBus* bus_;
  std::function<void(const events::GatewayEvent&)> observe_;
  boost::asio::steady_timer timer_;
  int subscription_ = 0;
  bool stopped_ = false;
  std::vector<std::weak_ptr<EventSink>> sinks_;
};

}  // namespace gw::console
