#include "api_key_source.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace gw::app {
namespace {

std::string trim_trailing_newlines(std::string key) {
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  return key;
}

// `what` names the secret in messages ("API key", "state database password").
std::string read_secret_file(const std::string& path, bool check_mode, const std::string& what) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw std::runtime_error("cannot read the " + what + " file " + path);
  }
  // A secret that other users can read is already leaked; refuse it rather than use it.
  if (check_mode && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw std::runtime_error("the " + what + " file " + path +
                             " is readable by others; make it mode 0600 (chmod 600)");
  }
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  std::string secret = trim_trailing_newlines(content.str());
  if (!in || secret.empty()) throw std::runtime_error("the " + what + " file " + path + " is empty");
  return secret;
}

// The secret from a file, a systemd credential or an environment variable, in that order.
std::optional<std::string> find_secret(const std::string& file, const std::string& credential,
                                       const std::string& env, const std::string& what) {
  if (!file.empty()) return read_secret_file(file, true, what);
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir && !credential.empty()) {
    const std::string path = std::string(dir) + "/" + credential;
    struct stat info {};
    // systemd makes credential files private to the service already.
    if (::stat(path.c_str(), &info) == 0) return read_secret_file(path, false, what);
  }
  const char* value = env.empty() ? nullptr : std::getenv(env.c_str());
  if (value && *value) return trim_trailing_newlines(value);
  return std::nullopt;
}

}  // namespace

std::string load_api_key(const config::ViewerApiSettings& settings) {
  if (auto key = find_secret(settings.api_key_file, settings.api_key_credential,
                             settings.api_key_env, "API key")) {
    return *key;
  }
  throw std::runtime_error("no API key: viewer_api.api_key_file is not set, there is no systemd "
                           "credential " + settings.api_key_credential + ", and the environment "
                           "variable " + settings.api_key_env + " is not set");
}

std::optional<std::string> load_state_password(const config::StateSettings& settings) {
  return find_secret(settings.password_file, settings.password_credential, settings.password_env,
                     "state database password");
}

}  // namespace gw::app
