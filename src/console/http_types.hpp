#pragma once
// The console's HTTP messages: Beast's string-bodied request and response.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace gw::console {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace gw::console
