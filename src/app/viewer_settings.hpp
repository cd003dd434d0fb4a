#pragma once
// The Viewer API client's settings as the configuration gives them: one place for the daemon
// and the commands that talk to the API (check-config --online, studies verify).
#include "gateway/config/config.hpp"
#include "gateway/viewer/https_viewer_client.hpp"

namespace gw::app {

/// Reads the API key from its sources (api_key_source.hpp); throws std::runtime_error naming
/// the sources tried, never the key, when none holds one.
viewer::ViewerClientSettings viewer_client_settings(const config::ViewerApiSettings& api);

}  // namespace gw::app
