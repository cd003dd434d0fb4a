#pragma once
// ISO 8601 / RFC 3339 date-times as the Viewer API sends them ("2024-03-15T10:30:00Z").
// Internal to the viewer adapter.
#include <chrono>
#include <optional>
#include <string_view>

namespace gw::viewer::detail {

/// Parses "YYYY-MM-DDTHH:MM:SS" with optional fractional seconds (kept to the microsecond) and
/// a zone of "Z" or ±HH:MM / ±HHMM; 't', 'z' and a space separator are accepted as RFC 3339
/// allows. A missing zone is refused: guessing one could move a time bound by hours.
/// nullopt for anything else, including impossible dates. Pure; thread-safe.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) noexcept;

}  // namespace gw::viewer::detail
