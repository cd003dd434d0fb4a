#include "console_replies.hpp"

#include <boost/json/serialize.hpp>

namespace gw::console {

Response json_reply(const Request& request, http::status status, const boost::json::value& body) {
  Response response{status, request.version()};
  response.set(http::field::content_type, "application/json; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = boost::json::serialize(body);
  response.prepare_payload();
  return response;
}

Response error_reply(const Request& request, http::status status, std::string_view code,
                     std::string_view message) {
  boost::json::object error{{"code", code}, {"message", message}};
  return json_reply(request, status, boost::json::object{{"error", std::move(error)}});
}

void add_security_headers(Response& response, bool tls) {
  response.set("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
  response.set("Cross-Origin-Resource-Policy", "same-origin");
  if (tls) response.set("Strict-Transport-Security", "max-age=31536000");
  response.set(http::field::server, "dicom-gateway");
}

std::string security_header_lines(bool tls) {
  Response response;
  add_security_headers(response, tls);
  std::string lines;
  for (const auto& field : response.base()) {
    lines.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  }
  return lines;
}

}  // namespace gw::console
