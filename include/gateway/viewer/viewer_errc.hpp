#pragma once
// Why an HTTPS viewer client could not be built: start-up errors, returned as values.
#include <system_error>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace gw::viewer {

/// Construction errors of HttpsViewerClient::create. Registered as a boost::system category.
enum class viewer_errc {
  bad_url = 1,              // base_url does not parse, has no host, or carries a query/fragment
  not_https,                // base_url's scheme is not https: the API key must not travel in clear
  ca_file_unreadable,       // ca_file cannot be read or holds no usable certificate
  trust_store_unavailable,  // the system trust store could not be loaded
  bad_settings,  // max_connections == 0, a non-positive timeout, or a header-unsafe value
  bad_proxy,     // the proxy (setting or https_proxy/HTTPS_PROXY) is not http://[user:pw@]host[:port]
};

/// The category of viewer_errc; a function-local static, safe from any thread.
const boost::system::error_category& viewer_category() noexcept;

/// Lets `boost::system::error_code ec = viewer_errc::bad_url;` work.
boost::system::error_code make_error_code(viewer_errc e) noexcept;

}  // namespace gw::viewer

template <>
struct boost::system::is_error_code_enum<gw::viewer::viewer_errc> : std::true_type {};
