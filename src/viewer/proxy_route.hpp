#pragma once
// Whether, and through which HTTP proxy, the client reaches the Viewer API: the proxy setting
// or https_proxy/HTTPS_PROXY, minus the hosts NO_PROXY names. Decided once, when the client is
// built. Pure (the environment is passed in). Internal to the viewer adapter.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "gateway/viewer/viewer_client_settings.hpp"
#include "viewer_endpoint.hpp"

namespace gw::viewer::detail {

/// A proxy to tunnel through with CONNECT. Value type; immutable once built.
struct ProxyRoute {
  std::string host;           // to resolve: a name, or an IP without brackets
  std::string port;           // "80" unless the URL names one
  std::string authorization;  // "Basic …" for Proxy-Authorization, or empty; a secret
  std::string display;        // "host:port" for error messages: never the credentials
};

/// Parses "http://[user[:password]@]host[:port][/]" (a bare "host:port" reads as http://).
/// User and password are percent-decoded. viewer_errc::bad_proxy for another scheme (an
/// https:// proxy would need TLS to the proxy, which the gateway does not speak), a path,
/// query or fragment, or no host. Pure; thread-safe.
boost::system::result<ProxyRoute> parse_proxy_url(std::string_view url);

/// Reads one environment variable; nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const char* name)>;

/// The process environment (std::getenv).
std::optional<std::string> process_environment(const char* name);

/// The route to `endpoint`: nullopt for a direct connection. The proxy is settings.proxy, else
/// (unless ignore_proxy_environment) https_proxy, else HTTPS_PROXY; an empty value means none.
/// The bypass list is settings.no_proxy, else no_proxy, else NO_PROXY. Errors as
/// parse_proxy_url, for whichever source was chosen. Pure given `environment`.
boost::system::result<std::optional<ProxyRoute>> choose_proxy(
    const ViewerClientSettings& settings, const ViewerEndpoint& endpoint,
    const EnvironmentLookup& environment);

}  // namespace gw::viewer::detail
