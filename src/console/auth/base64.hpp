#pragma once
// Base64 as the console needs it: strict decoding of an Authorization header (RFC 4648 §4) and
// URL-safe encoding without padding for tokens that travel in cookies and headers (§5).
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gw::console {

/// The base64url encoding of `bytes`, without '=' padding. Pure; thread-safe.
std::string base64url_encode(std::span<const unsigned char> bytes);

/// Decodes the standard alphabet. Padding may be present (then exactly right) or left out;
/// nullopt for any other character, a stray '=', an impossible length or non-zero unused bits,
/// so one credential has exactly one spelling. Pure; thread-safe.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace gw::console
