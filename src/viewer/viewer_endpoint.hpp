#pragma once
// Where requests go, derived once from base_url. Internal to the viewer adapter.
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
  std::string base_path;      // base_url's path without trailing slashes, percent-encoded
};

/// base path + "/viewer/studies/{study_id}", the id percent-encoded as one path segment.
std::string study_target(const ViewerEndpoint& endpoint, std::string_view study_id);
/// base path + "/viewer/studies/by-uid/{uid}", the UID percent-encoded as one path segment.
std::string study_by_uid_target(const ViewerEndpoint& endpoint, std::string_view study_instance_uid);
/// base path + "/viewer/users/{user_id}", the id percent-encoded as one path segment.
std::string user_target(const ViewerEndpoint& endpoint, std::string_view user_id);
/// base path + "/express?limit=N", plus "&cursor=…" (percent-encoded) when non-empty.
std::string customer_list_target(const ViewerEndpoint& endpoint, unsigned limit,
                                 std::string_view cursor);
/// "host:port" as CONNECT wants it: IPv6 literals in brackets.
std::string authority(const ViewerEndpoint& endpoint);

/// Parses an absolute https URL without user info, query or fragment. Errors are
/// viewer_errc::bad_url or viewer_errc::not_https. Pure; thread-safe.
boost::system::result<ViewerEndpoint> parse_viewer_endpoint(std::string_view base_url);

}  // namespace gw::viewer::detail
