#pragma once
// Building JSON answers the way the viewer API shapes them.
#include <boost/json/value.hpp>
#include <string_view>

#include "http_types.hpp"

namespace gw::sim {

/// A response to `request` (same version and keep-alive) carrying `body` as JSON.
Response json_response(const Request& request, http::status status, const boost::json::value& body);
/// A response with `{"error": reason}`; the reason names the offending field for a 400.
Response error_response(const Request& request, http::status status, std::string_view reason);
/// A 204 with no body, for control calls that only change state.
Response empty_response(const Request& request);

}  // namespace gw::sim
