#pragma once
// Where the secrets come from: the viewer's API key and the state database's password. Read
// them, hand them over, never log them, never store them.
#include <optional>
#include <string>

#include "gateway/config/config.hpp"

namespace gw::app {

/// The key from, in order: viewer_api.api_key_file, $CREDENTIALS_DIRECTORY/<api_key_credential>
/// (systemd LoadCredential=), the environment variable viewer_api.api_key_env. Trailing
/// newlines are removed. Throws std::runtime_error naming the sources tried (never the key)
/// when none holds one; a key file readable by group or others is refused.
std::string load_api_key(const config::ViewerApiSettings& settings);

/// PostgreSQL's password from state.password_file, the credential state.password_credential,
/// or the environment variable state.password_env, in that order; nullopt when none is set
/// (libpq then uses ~/.pgpass, or peer or certificate authentication). Throws
/// std::runtime_error for a password file that cannot be read, is empty, or is readable by others.
std::optional<std::string> load_state_password(const config::StateSettings& settings);

}  // namespace gw::app
