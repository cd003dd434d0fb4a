#include "viewer_settings.hpp"

#include "api_key_source.hpp"

namespace gw::app {

viewer::ViewerClientSettings viewer_client_settings(const config::ViewerApiSettings& api) {
  viewer::ViewerClientSettings settings;
  settings.base_url = api.base_url;
  settings.api_key = load_api_key(api);
  settings.ca_file = api.ca_file;
  settings.timeout = api.timeout;
  settings.max_connections = api.max_in_flight;
  settings.proxy = api.proxy;  // empty: HTTPS_PROXY / NO_PROXY from the environment
  return settings;
}

}  // namespace gw::app
