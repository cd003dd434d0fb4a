#pragma once
// What the console's request handlers share: its services, users, sessions, login throttle,
// rates and event stream. Lives in ConsoleServer; used on the io thread.
#include <chrono>
#include <memory>

#include "auth/login_throttle.hpp"
#include "auth/session_store.hpp"
#include "auth/user_directory.hpp"
#include "basic_auth_cache.hpp"
#include "event_stream.hpp"
#include "gateway/console/console_server.hpp"
#include "rate_meter.hpp"

namespace gw::console {

struct ConsoleState {
  ConsoleState(ConsoleServices s, bool tls_on, const config::ConsoleSettings& settings)
      : services(std::move(s)),
        tls(tls_on),
        sessions(settings.session_idle, settings.session_max),
        session_max(std::chrono::duration_cast<std::chrono::seconds>(settings.session_max)) {}

  ConsoleServices services;
  bool tls;
  UserDirectory users;
  SessionStore sessions;
  LoginThrottle throttle;
  BasicAuthCache basic_cache;
  std::chrono::seconds session_max;
  RateMeter instances;      // arrivals in the last minute
  RateMeter registrations;  // studies registered in the last minute
  std::shared_ptr<EventStream> events;
  registry::TimestampMs started = 0;
};

}  // namespace gw::console
