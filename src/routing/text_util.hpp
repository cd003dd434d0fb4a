#pragma once
// Small string helpers for matching: ASCII case folding and UTF-8 aware lengths.
#include <cstddef>
#include <string>
#include <string_view>

namespace gw::routing {

/// `text` with ASCII letters lower-cased; other bytes (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view text);
/// True when `value` equals `lowered` ignoring ASCII case; `lowered` is already lower-case.
bool equals_folded(std::string_view value, std::string_view lowered) noexcept;
bool starts_with_folded(std::string_view value, std::string_view lowered) noexcept;
bool ends_with_folded(std::string_view value, std::string_view lowered) noexcept;
bool contains_folded(std::string_view value, std::string_view lowered) noexcept;

/// The number of code points in UTF-8 `text` (the viewer's limits count characters).
std::size_t utf8_length(std::string_view text) noexcept;
/// The longest prefix of `text` with at most `max_chars` code points, never splitting one.
std::string_view utf8_prefix(std::string_view text, std::size_t max_chars) noexcept;

/// `text` in double quotes, for diagnostics and explanations.
std::string quoted(std::string_view text);

}  // namespace gw::routing
