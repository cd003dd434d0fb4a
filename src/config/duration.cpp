#include "gateway/config/duration.hpp"

#include <charconv>

namespace gw::config {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data() || value < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  long long factor = 0;
  if (unit == "ms") factor = 1;
  else if (unit == "s") factor = 1000;
  else if (unit == "m") factor = 60'000;
  else if (unit == "h") factor = 3'600'000;
  else if (unit == "d") factor = 86'400'000;  // retention periods are counted in days
  else return std::nullopt;
  if (value > (1LL << 40) / factor) return std::nullopt;  // absurdly long: a typo, not a setting
  return std::chrono::milliseconds(value * factor);
}

}  // namespace gw::config
