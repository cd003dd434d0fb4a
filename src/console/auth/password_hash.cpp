#include "password_hash.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace gw::console {
namespace {

// One row per accepted method: the prefix, and how long the hash part after the last '$' is.
// The length tells a complete hash from a bare setting ("$6$salt") that someone pasted, and
// from a truncated copy: either would lock the user out with no hint why.
struct Method {
  std::string_view prefix;
  std::size_t hash_part_length;
};
constexpr std::array<Method, 7> accepted_methods{{
    {"$y$", 43},   // yescrypt
    {"$gy$", 43},  // gost-yescrypt
    {"$7$", 43},   // scrypt
    {"$2b$", 53},  // bcrypt: the 22-character salt and the 31-character hash in one field
    {"$2y$", 53},
    {"$6$", 86},  // sha512crypt
    {"$5$", 43},  // sha256crypt
}};

bool is_crypt_base64(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

// Removes the end-of-line and blanks an editor or `echo` leaves after a hash in a file.
std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

HashError error_for(const config::ConsoleUser& user, const std::string& what) {
  return HashError{"console user '" + user.name + "': " + what};
}

boost::system::result<std::string, HashError> first_line_of(const config::ConsoleUser& user,
                                                            const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return error_for(user, "cannot read the password hash file " + file.string());
  std::string line;
  std::getline(in, line);
  if (in.bad()) return error_for(user, "cannot read the password hash file " + file.string());
  return {boost::system::in_place_value, std::string(trim_right(line))};
}

boost::system::result<std::string, HashError> accepted(const config::ConsoleUser& user,
                                                       std::string hash,
                                                       const std::string& source) {
  if (!is_accepted_hash(hash)) {
    return error_for(user, "the password hash in " + source +
                               " is not a complete yescrypt, scrypt, bcrypt, sha512crypt or "
                               "sha256crypt hash (make one with mkpasswd -m yescrypt)");
  }
  return {boost::system::in_place_value, std::move(hash)};
}

}  // namespace

bool is_accepted_hash(std::string_view hash) {
  const auto method = std::find_if(accepted_methods.begin(), accepted_methods.end(),
                                   [&](const Method& m) { return hash.starts_with(m.prefix); });
  if (method == accepted_methods.end()) return false;
  const std::size_t last_dollar = hash.rfind('$');
  const std::string_view hash_part = hash.substr(last_dollar + 1);
  if (last_dollar < method->prefix.size() - 1 || hash_part.size() != method->hash_part_length) {
    return false;
  }
  if (!std::all_of(hash_part.begin(), hash_part.end(), is_crypt_base64)) return false;
  // libcrypt's own parse of the setting (parameters, salt characters); a method this build of
  // libcrypt has disabled would never verify. LEGACY is allowed: it marks sha256crypt, which
  // the allow-list above keeps on purpose.
  const std::string terminated(hash);
  const int check = crypt_checksalt(terminated.c_str());
  return check == CRYPT_SALT_OK || check == CRYPT_SALT_METHOD_LEGACY;
}

bool verify_password(std::string_view password, const std::string& hash) {
  // libcrypt refuses a passphrase that does not fit its buffer with the NUL; checked here so an
  // oversized header is not even copied.
  if (password.size() >= CRYPT_MAX_PASSPHRASE_SIZE ||
      password.find('\0') != std::string_view::npos) {
    return false;
  }
  if (!is_accepted_hash(hash)) return false;
  // crypt_data is 32 KiB: too large for a thread's stack budget. Value-initialised, as
  // crypt_r requires on first use.
  auto data = std::make_unique<crypt_data>();
  std::string terminated(password);
  const char* computed = crypt_r(terminated.c_str(), hash.c_str(), data.get());
  bool match = false;
  if (computed != nullptr && computed[0] != '*') {  // "*0"/"*1": crypt's failure tokens
    const std::string_view result(computed);
    // The length of a hash is no secret (it follows from the method); the bytes are.
    match =
        result.size() == hash.size() && CRYPTO_memcmp(result.data(), hash.data(), hash.size()) == 0;
  }
  // The work area and the copy hold password-derived bytes: do not leave them in freed memory.
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  OPENSSL_cleanse(terminated.data(), terminated.size());
  return match;
}

void throw_exception_from_error(const HashError& error, const boost::source_location&) {
  throw std::runtime_error(error.message);
}

boost::system::result<std::string, HashError> resolve_hash(const config::ConsoleUser& user,
                                                           const char* credentials_directory) {
  const int sources = int{!user.password_hash.empty()} + int{!user.password_hash_file.empty()} +
                      int{!user.password_hash_credential.empty()};
  if (sources != 1) {
    return error_for(user,
                     "set exactly one of password_hash, password_hash_file and "
                     "password_hash_credential");
  }
  if (!user.password_hash.empty()) {
    return accepted(user, user.password_hash, "password_hash");
  }
  if (!user.password_hash_file.empty()) {
    auto line = first_line_of(user, user.password_hash_file);
    if (!line) return line;
    return accepted(user, std::move(*line), user.password_hash_file);
  }
  if (credentials_directory == nullptr || *credentials_directory == '\0') {
    return error_for(user, "password_hash_credential '" + user.password_hash_credential +
                               "' needs CREDENTIALS_DIRECTORY (systemd LoadCredential=), which "
                               "is not set");
  }
  // A credential name is a file name, not a path: it must not lead out of the folder.
  if (user.password_hash_credential.find('/') != std::string::npos ||
      user.password_hash_credential == "." || user.password_hash_credential == "..") {
    return error_for(user, "password_hash_credential '" + user.password_hash_credential +
                               "' is not a plain file name");
  }
  const std::filesystem::path file =
      std::filesystem::path(credentials_directory) / user.password_hash_credential;
  auto line = first_line_of(user, file);
  if (!line) return line;
  return accepted(user, std::move(*line), file.string());
}

boost::system::result<std::string, HashError> resolve_hash(const config::ConsoleUser& user) {
  return resolve_hash(user, std::getenv("CREDENTIALS_DIRECTORY"));
}

}  // namespace gw::console
