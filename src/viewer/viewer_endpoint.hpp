#pragma once
// Where create requests go, derived once from base_url. Internal to the viewer adapter.
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace gw::viewer::detail {

/// The pieces of base_url each connection needs. Value type; immutable once built.
struct ViewerEndpoint {
  std::string host;           // to resolve and to verify: a name, or an IP without brackets
  bool host_is_ip = false;    // RFC 6066 forbids an IP literal in SNI
  std::string port;           // "443" unless base_url names one
  std::string host_header;    // Host field: as written in the URL, brackets and port included
  std::string create_target;  // base path + "/viewer/studies", percent-encoded
};

/// Parses an absolute https URL without user info, query or fragment. Errors are
/// viewer_errc::bad_url or viewer_errc::not_https. Pure; thread-safe.
boost::system::result<ViewerEndpoint> parse_viewer_endpoint(std::string_view base_url);

}  // namespace gw::viewer::detail
