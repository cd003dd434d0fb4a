#include "json_response.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

namespace gw::sim {

Response json_response(const Request& request, http::status status,
                       const boost::json::value& body) {
  Response response{status, request.version()};
  response.set(http::field::server, "viewer-simulator");
  response.set(http::field::content_type, "application/json");
  response.keep_alive(request.keep_alive());
  response.body() = boost::json::serialize(body);
  response.prepare_payload();
  return response;
}

Response error_response(const Request& request, http::status status, std::string_view reason) {
  return json_response(request, status, boost::json::object{{"error", reason}});
}

Response empty_response(const Request& request) {
  Response response{http::status::no_content, request.version()};
  response.set(http::field::server, "viewer-simulator");
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

}  // namespace gw::sim
