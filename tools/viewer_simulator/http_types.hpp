#pragma once
// The one request and response type every route speaks: whole messages with string bodies.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace gw::sim {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace gw::sim
