#include "api_key_source.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
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

std::string read_key_file(const std::string& path, bool check_mode) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw std::runtime_error("cannot read the API key file " + path);
  }
  // A key that other users can read is already leaked; refuse it rather than use it.
  if (check_mode && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw std::runtime_error("the API key file " + path +
                             " is readable by others; make it mode 0600 (chmod 600)");
  }
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  std::string key = trim_trailing_newlines(content.str());
  if (!in || key.empty()) throw std::runtime_error("the API key file " + path + " is empty");
  return key;
}

}  // namespace

std::string load_api_key(const config::ViewerApiSettings& settings) {
  if (!settings.api_key_file.empty()) return read_key_file(settings.api_key_file, true);
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
    const std::string path = std::string(dir) + "/" + settings.api_key_credential;
    struct stat info {};
    // systemd makes credential files private to the service already.
    if (::stat(path.c_str(), &info) == 0) return read_key_file(path, false);
  }
  const char* value = std::getenv(settings.api_key_env.c_str());
  if (value && *value) return trim_trailing_newlines(value);
  throw std::runtime_error("no API key: viewer_api.api_key_file is not set, there is no systemd "
                           "credential " + settings.api_key_credential + ", and the environment "
                           "variable " + settings.api_key_env + " is not set");
}

}  // namespace gw::app
