#pragma once
// HTTP-date parsing for Retry-After (RFC 9110 §5.6.7). Internal to the viewer adapter.
#include <chrono>
#include <optional>
#include <string_view>

namespace gw::viewer::detail {

/// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), an RFC 850 date
/// ("Sunday, 06-Nov-94 08:49:37 GMT") or an asctime date ("Sun Nov  6 08:49:37 1994"), all UTC.
/// The weekday is not checked against the date: senders get it wrong and it adds nothing.
/// nullopt for anything else. Pure; thread-safe.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text) noexcept;

}  // namespace gw::viewer::detail
