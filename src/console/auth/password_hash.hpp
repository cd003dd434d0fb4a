#pragma once
// crypt(3) password hashes for console logins: which methods the gateway accepts, checking a
// password against a hash, and finding a user's hash in the configuration, a file or a systemd
// credential. Hashes and passwords are secrets: no function here puts them in an error text.
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "gateway/config/config.hpp"

namespace gw::console {

/// True for a complete hash of a strong method: yescrypt ($y$, $gy$), scrypt ($7$), bcrypt
/// ($2b$, $2y$), sha512crypt ($6$) or sha256crypt ($5$). DES, MD5 ($1$), a bare setting without
/// its hash part, a locked ("*", "!") or empty entry are refused. Cheap (no hashing); pure;
/// thread-safe.
bool is_accepted_hash(std::string_view hash);

/// Whether `password` hashes to `hash`. False when the hash is not accepted, when the password
/// holds a NUL byte (crypt would silently cut it there) or is 512 bytes or longer (more than
/// libcrypt takes). Compares in constant time. Slow on purpose (the method's cost,
/// milliseconds to a fraction of a second): call it off any event loop. Thread-safe.
bool verify_password(std::string_view password, const std::string& hash);

/// Why a user's hash could not be resolved. Names the user and the file, never the hash.
/// (A string converts to both sides of the result: build a value with in_place_value.)
struct HashError {
  std::string message;
};

/// Lets result<std::string, HashError>::value() throw (found by argument-dependent lookup).
[[noreturn]] void throw_exception_from_error(const HashError& error,
                                             const boost::source_location& where);

/// A user's hash: the inline password_hash, else the first line of password_hash_file, else
/// the file `password_hash_credential` under `credentials_directory` (nullptr: unset, an
/// error when that source is used). Checked with is_accepted_hash. Reads files; thread-safe.
boost::system::result<std::string, HashError> resolve_hash(const config::ConsoleUser& user,
                                                           const char* credentials_directory);

/// As above with $CREDENTIALS_DIRECTORY, the folder systemd puts LoadCredential= files in.
/// Reads the environment: call at start-up or reload, not while another thread calls setenv.
boost::system::result<std::string, HashError> resolve_hash(const config::ConsoleUser& user);

}  // namespace gw::console
