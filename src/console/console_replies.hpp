#pragma once
// How every console answer is shaped: JSON bodies, errors with a stable code, and the
// headers that keep a browser from doing anything the page did not mean.
#include <boost/json/value.hpp>

#include <string_view>

#include "http_types.hpp"

namespace gw::console {

/// `body` as JSON with `status`, never cached.
Response json_reply(const Request& request, http::status status, const boost::json::value& body);
/// {"error":{"code":…,"message":…}}: `code` is stable for scripts, `message` for people.
Response error_reply(const Request& request, http::status status, std::string_view code,
                     std::string_view message);
/// The Content-Security-Policy (no inline script or style, nothing from other hosts), no
/// framing, no sniffing, no referrer; HSTS under TLS. Added to every response.
void add_security_headers(Response& response, bool tls);
/// The same headers as "Name: value\r\n" lines, for the event stream's hand-written header.
std::string security_header_lines(bool tls);

}  // namespace gw::console
