#pragma once
// One request through the console's chain, in the order a reader can list (Syncthing's
// shape): security headers → static page → login/logout → authentication (session cookie or
// HTTP Basic) → CSRF token for unsafe methods under a cookie → role → endpoint.
#include <string>

#include "console_state.hpp"
#include "http_types.hpp"

namespace gw::console {

struct Reply {
  Response response;
  bool stream_events = false;  // GET /api/v1/events, authenticated: the connection streams
  std::string user{};            // streaming: who watches
  std::string session_token{};   // streaming: the session it watches under (empty: Basic)
};

/// io thread. `peer_address` throttles failed logins. Never throws: a database failure is a
/// 503 with code `unavailable`.
Reply handle_request(ConsoleState& state, const Request& request, const std::string& peer_address);

}  // namespace gw::console
