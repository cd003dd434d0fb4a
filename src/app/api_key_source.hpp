#pragma once
// Where the API key comes from. It is a secret: read it, hand it to the client, never
// log it, never store it.
#include <string>

#include "gateway/config/config.hpp"

namespace gw::app {

/// The key from, in order: viewer_api.api_key_file, $CREDENTIALS_DIRECTORY/<api_key_credential>
/// (systemd LoadCredential=), the environment variable viewer_api.api_key_env. Trailing
/// newlines are removed. Throws std::runtime_error naming the sources tried (never the key)
/// when none holds one; a key file readable by group or others is refused.
std::string load_api_key(const config::ViewerApiSettings& settings);

}  // namespace gw::app
