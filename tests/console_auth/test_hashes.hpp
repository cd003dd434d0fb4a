#pragma once
// Hashes made by the real libcrypt inside the test, so no fixture depends on mkpasswd.
#include <crypt.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace gw::console::test {

/// crypt(3) of `password` with the given setting ("$6$rounds=5000$salt").
inline std::string hash_with_setting(const std::string& setting, const std::string& password) {
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_r(password.c_str(), setting.c_str(), data.get());
  if (hash == nullptr || hash[0] == '*') throw std::runtime_error("crypt_r failed");
  return hash;
}

/// crypt(3) of `password` with a fresh setting of `prefix` ("$y$", "$6$", "$2b$") at the
/// method's default cost.
inline std::string make_hash(const char* prefix, const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(prefix, 0, nullptr, 0, setting, sizeof setting) == nullptr) {
    throw std::runtime_error(std::string("crypt_gensalt_rn failed for ") + prefix);
  }
  return hash_with_setting(setting, password);
}

}  // namespace gw::console::test
