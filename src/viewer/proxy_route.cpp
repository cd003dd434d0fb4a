#include "proxy_route.hpp"

#include <cstdlib>
#include <vector>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <openssl/evp.h>

#include "gateway/viewer/viewer_errc.hpp"
#include "no_proxy_rules.hpp"

namespace gw::viewer::detail {
namespace {

std::string base64(std::string_view text) {
  std::vector<unsigned char> out(4 * ((text.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

// The first variable of `names` that is set, even to "": an empty value switches it off.
std::optional<std::string> first_set(const EnvironmentLookup& environment,
                                     std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = environment(name)) return value;
  }
  return std::nullopt;
}

}  // namespace

boost::system::result<ProxyRoute> parse_proxy_url(std::string_view text) {
  namespace urls = boost::urls;
  const std::string url = text.find("://") == std::string_view::npos
                              ? "http://" + std::string(text)
                              : std::string(text);
  const auto parsed = urls::parse_absolute_uri(url);
  if (!parsed) return make_error_code(viewer_errc::bad_proxy);
  const urls::url_view& view = *parsed;
  if (view.scheme_id() != urls::scheme::http || view.has_query() || view.has_fragment())
    return make_error_code(viewer_errc::bad_proxy);
  const auto path = view.encoded_path();
  if (!path.empty() && path != "/") return make_error_code(viewer_errc::bad_proxy);

  ProxyRoute route;
  switch (view.host_type()) {
    case urls::host_type::name:
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      route.host = view.host_address();
      break;
    default:
      return make_error_code(viewer_errc::bad_proxy);
  }
  if (route.host.empty()) return make_error_code(viewer_errc::bad_proxy);
  const bool explicit_port = view.has_port() && !view.port().empty();
  if (explicit_port && view.port_number() == 0) return make_error_code(viewer_errc::bad_proxy);
  route.port = explicit_port ? std::string(view.port()) : "80";
  const bool ipv6 = view.host_type() == urls::host_type::ipv6;
  route.display = (ipv6 ? "[" + route.host + "]" : route.host) + ":" + route.port;
  if (view.has_userinfo()) {
    const std::string credentials = std::string(view.user()) + ":" + std::string(view.password());
    route.authorization = "Basic " + base64(credentials);
  }
  return route;
}

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

boost::system::result<std::optional<ProxyRoute>> choose_proxy(
    const ViewerClientSettings& settings, const ViewerEndpoint& endpoint,
    const EnvironmentLookup& environment) {
  const bool use_environment = !settings.ignore_proxy_environment;
  std::string proxy = settings.proxy;
  if (proxy.empty() && use_environment)
    proxy = first_set(environment, {"https_proxy", "HTTPS_PROXY"}).value_or("");
  if (proxy.empty()) return std::optional<ProxyRoute>{};

  // Parse before the bypass check, so a broken setting fails every start, not only some.
  auto route = parse_proxy_url(proxy);
  if (!route) return route.error();

  std::string no_proxy = settings.no_proxy;
  if (no_proxy.empty() && use_environment)
    no_proxy = first_set(environment, {"no_proxy", "NO_PROXY"}).value_or("");
  if (NoProxyRules::parse(no_proxy).bypasses(endpoint.host, endpoint.port))
    return std::optional<ProxyRoute>{};
  return std::optional<ProxyRoute>{std::move(*route)};
}

}  // namespace gw::viewer::detail
