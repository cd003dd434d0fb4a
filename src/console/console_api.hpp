#pragma once
// The REST API's endpoints (docs/console.md), each called by the router once the request is
// authenticated and allowed. io thread; the StudyDesk throws std::runtime_error when the
// database fails, which the router turns into a 503.
#include <boost/url/params_view.hpp>

#include <string_view>

#include "auth/principal.hpp"
#include "console_state.hpp"
#include "http_types.hpp"

namespace gw::console {

Response get_status(ConsoleState& state, const Request& request);
Response get_studies(ConsoleState& state, const Request& request, boost::urls::params_view query);
Response get_study(ConsoleState& state, const Request& request, const std::string& uid,
                   const Principal& user);
/// retry, resend or forget; the caller has checked the role. Logged as an audit event.
Response post_action(ConsoleState& state, const Request& request, const std::string& uid,
                     std::string_view action, const Principal& user);
Response get_rules(ConsoleState& state, const Request& request);
/// The uploaded file's routing, from the rules in force; nothing is stored or sent.
Response post_route(ConsoleState& state, const Request& request, boost::urls::params_view query);

}  // namespace gw::console
