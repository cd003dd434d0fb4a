#include "event_stream.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "console_json.hpp"
#include "gateway/events/event_bus.hpp"

namespace gw::console {

std::string format_sse(const events::GatewayEvent& e) {
  boost::json::object data{{"at", json_time(e.at_ms)}};
  if (!e.study_instance_uid.empty()) data["studyInstanceUid"] = e.study_instance_uid;
  switch (e.kind) {
    case events::EventKind::study_arrived:
      data["state"] = e.to_state;  // "new": this arrival created the study; "known": it did not
      break;
    case events::EventKind::study_changed:
      data["from"] = e.from_state;
      data["to"] = e.to_state;
      data["event"] = e.event;
      break;
    case events::EventKind::alarm_raised:
    case events::EventKind::alarm_cleared:
      data["alarm"] = e.alarm;
      data["state"] = e.kind == events::EventKind::alarm_raised ? "raised" : "cleared";
      data["detail"] = e.detail;
      break;
  }
  const bool alarm = e.kind == events::EventKind::alarm_raised || e.kind == events::EventKind::alarm_cleared;
  return "event: " + std::string(alarm ? "alarm" : to_string(e.kind)) + "\ndata: " +
         boost::json::serialize(data) + "\n\n";
}

EventStream::EventStream(boost::asio::any_io_executor io, events::EventBus* bus,
                         std::function<void(const events::GatewayEvent&)> observe)
    : io_(io), bus_(bus), observe_(std::move(observe)), timer_(io) {}

void EventStream::start() {
  if (bus_) {
    std::weak_ptr<EventStream> self = shared_from_this();
    // Called on the publishing thread (a DICOM worker, the io thread): copy and post only.
    subscription_ = bus_->subscribe([self, io = io_](const events::GatewayEvent& event) {
      boost::asio::post(io, [self, event] {
        if (auto stream = self.lock()) stream->deliver(event);
      });
    });
  }
  heartbeat();
}

void EventStream::stop() {
  stopped_ = true;
  if (bus_ && subscription_) bus_->unsubscribe(subscription_);
  subscription_ = 0;
  timer_.cancel();
  for (auto& weak : sinks_) {
    if (auto sink = weak.lock()) sink->close();
  }
  sinks_.clear();
}

void EventStream::add(const std::shared_ptr<EventSink>& sink) {
  if (stopped_) {
    sink->close();
    return;
  }
  sinks_.push_back(sink);
}

void EventStream::revalidate() {
  for (auto& weak : sinks_) {
    if (auto sink = weak.lock(); sink && !sink->still_allowed()) sink->close();
  }
  std::erase_if(sinks_, [](const std::weak_ptr<EventSink>& weak) { return weak.expired(); });
}

void EventStream::deliver(const events::GatewayEvent& event) {
  if (stopped_) return;
  if (observe_) observe_(event);
  if (sinks_.empty()) return;
  broadcast(std::make_shared<const std::string>(format_sse(event)));
}

void EventStream::broadcast(const std::shared_ptr<const std::string>& chunk) {
  std::erase_if(sinks_, [](const std::weak_ptr<EventSink>& weak) { return weak.expired(); });
  for (auto& weak : sinks_) {
    if (auto sink = weak.lock()) sink->push(chunk);
  }
}

void EventStream::heartbeat() {
  timer_.expires_after(std::chrono::seconds(15));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    self->revalidate();
    self->broadcast(std::make_shared<const std::string>(": keep-alive\n\n"));
    self->heartbeat();
  });
}

}  // namespace gw::console
