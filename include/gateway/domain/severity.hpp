#pragma once
#include <optional>
#include <string_view>

namespace gw {

/// The viewer's urgency levels, as the API names them.
enum class Severity { normal, high, stat };

std::string_view to_string(Severity s) noexcept;
/// Parses "normal", "high" or "stat"; nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view text) noexcept;

}  // namespace gw
