#include "viewer_settings.hpp"

#include "api_key_source.hpp"

namespace gw::app {

viewer::ViewerClientSettings viewer_client_settings(const config::ViewerApiSettings& api) {
  viewer::ViewerClientSettings settings;
  static_cast<viewer::ConnectionOptions&>(settings) = api;  // ca_file, timeout, proxy
  settings.base_url = api.base_url;
  settings.api_key = load_api_key(api);
  settings.max_connections = api.max_in_flight;  // one connection per request in flight
  return settings;
}

}  // namespace gw::app
