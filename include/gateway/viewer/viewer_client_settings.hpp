#pragma once
// How the gateway reaches the Viewer API. Plain values, filled from the configuration.
#include <chrono>
#include <string>

namespace gw::viewer {

/// The configurable part (viewer_api.ca_file, timeout, proxy), with its only defaults:
/// config::ViewerApiSettings holds it. Value type.
struct ConnectionOptions {
  std::string ca_file;  // PEM bundle to trust; empty: the system trust store
  std::chrono::milliseconds timeout{30000};  // each of resolve+connect, proxy CONNECT, TLS
                                             // handshake, write, read
  // An HTTP proxy reached with CONNECT: http://[user:password@]host[:port] (port 80 when
  // absent). Empty: https_proxy, then HTTPS_PROXY, from the environment.
  std::string proxy;

  bool operator==(const ConnectionOptions&) const = default;
};

/// Settings of an HttpsViewerClient. Value type; copied into the client at construction.
struct ViewerClientSettings : ConnectionOptions {
  std::string base_url;  // e.g. https://127.0.0.1:8443/v1; https only
  std::string api_key;   // sent as Authorization: Bearer; never logged, never in an error string
  // The daemon sets it to viewer_api.max_in_flight; this default serves the command-line tools.
  unsigned max_connections = 4;  // pool size == max requests in flight; more calls queue FIFO
  std::string user_agent = "dicom-gateway/0.1";
  unsigned max_list_pages = 100;  // list_customers reads at most this many pages

  // Hosts reached directly, as NO_PROXY: comma-separated names, domain suffixes (".example" or
  // "example" both match sub.example), IP addresses or CIDR blocks, optional :port, or "*".
  // Empty: no_proxy, then NO_PROXY, from the environment.
  std::string no_proxy;
  bool ignore_proxy_environment = false;  // true: never read the variables above (tests)
};

}  // namespace gw::viewer
