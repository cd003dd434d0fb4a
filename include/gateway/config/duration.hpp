#pragma once
#include <chrono>
#include <optional>
#include <string_view>

namespace gw::config {

/// Parses "250ms", "30s", "5m", "2h" (a whole number and a unit); nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept;

}  // namespace gw::config
