#include "viewer_endpoint.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

#include "gateway/viewer/viewer_errc.hpp"

namespace gw::viewer::detail {

boost::system::result<ViewerEndpoint> parse_viewer_endpoint(std::string_view base_url) {
  namespace urls = boost::urls;
  const auto parsed = urls::parse_absolute_uri(base_url);
  if (!parsed) return make_error_code(viewer_errc::bad_url);
  const urls::url_view& url = *parsed;
  if (url.scheme_id() != urls::scheme::https) return make_error_code(viewer_errc::not_https);
  // User info would put a second credential in a log line; a query or fragment in a base URL
  // is a configuration mistake that would silently be dropped or mangled.
  if (url.has_userinfo() || url.has_query() || url.has_fragment()) {
    return make_error_code(viewer_errc::bad_url);
  }

  ViewerEndpoint endpoint;
  switch (url.host_type()) {
    case urls::host_type::name:
      endpoint.host = url.host_address();
      break;
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      endpoint.host = url.host_address();
      endpoint.host_is_ip = true;
      break;
    default:
      return make_error_code(viewer_errc::bad_url);
  }
  if (endpoint.host.empty()) return make_error_code(viewer_errc::bad_url);

  const bool explicit_port = url.has_port() && !url.port().empty();
  if (explicit_port && url.port_number() == 0) return make_error_code(viewer_errc::bad_url);
  endpoint.port = explicit_port ? std::string(url.port()) : "443";
  endpoint.host_header = std::string(url.encoded_host());
  if (explicit_port) endpoint.host_header += ":" + endpoint.port;

  std::string path(url.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  endpoint.create_target = path + "/viewer/studies";
  endpoint.base_path = std::move(path);
  return endpoint;
}

namespace {

// Only unreserved characters pass: safe in a path segment and in a query value alike.
std::string encoded(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string list_target(std::string path, unsigned limit, std::string_view cursor) {
  path += "?limit=" + std::to_string(limit);
  if (!cursor.empty()) path += "&cursor=" + encoded(cursor);
  return path;
}

}  // namespace

std::string study_target(const ViewerEndpoint& endpoint, std::string_view study_id) {
  return endpoint.base_path + "/viewer/studies/" + encoded(study_id);
}

std::string study_by_uid_target(const ViewerEndpoint& endpoint,
                                std::string_view study_instance_uid) {
  return endpoint.base_path + "/viewer/studies/by-uid/" + encoded(study_instance_uid);
}

std::string user_target(const ViewerEndpoint& endpoint, std::string_view user_id) {
  return endpoint.base_path + "/viewer/users/" + encoded(user_id);
}

std::string customer_list_target(const ViewerEndpoint& endpoint, unsigned limit,
                                 std::string_view cursor) {
  return list_target(endpoint.base_path + "/express", limit, cursor);
}

std::string authority(const ViewerEndpoint& endpoint) {
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + endpoint.port;
}

}  // namespace gw::viewer::detail
