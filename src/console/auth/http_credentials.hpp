#pragma once
// The HTTP spellings of console credentials: the Basic Authorization header scripts send
// (RFC 7617), and the session cookie browsers keep (RFC 6265). Text in, values out; the HTTP
// server owns the headers.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gw::console {

/// A user name and password from an Authorization header. Value type; the password is secret.
struct BasicCredentials {
  std::string user;
  std::string password;
};

/// Parses "Basic <base64(user:password)>"; the scheme in any case, blanks around it. The user
/// is what precedes the first colon, so the password may hold colons. nullopt for another
/// scheme, malformed base64, no colon, an empty user, or a control character in either part
/// (RFC 7617 forbids them). Pure; thread-safe.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);

/// The value of the first cookie called `name` (case-sensitive) in a Cookie header
/// ("a=1; b=2"), surrounding double quotes removed; nullopt when absent. Pure; thread-safe.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

/// A Set-Cookie value for a session: "name=token; Path=/; HttpOnly; SameSite=Strict;
/// Max-Age=N", plus "; Secure" when served over TLS. It also meets the rules of a "__Host-"
/// name when secure. A negative max_age is sent as 0. Pure; thread-safe.
std::string session_cookie(std::string_view name, std::string_view token,
                           std::chrono::seconds max_age, bool secure);

/// A Set-Cookie value that makes the browser drop the session cookie (logout): the same
/// attributes with an empty value and Max-Age=0. Pure; thread-safe.
std::string expired_cookie(std::string_view name, bool secure);

}  // namespace gw::console
