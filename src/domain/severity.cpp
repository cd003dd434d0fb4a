#include "gateway/domain/severity.hpp"

namespace gw {

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::normal: return "normal";
    case Severity::high: return "high";
    case Severity::stat: return "stat";
  }
  return "normal";
}

std::optional<Severity> parse_severity(std::string_view text) noexcept {
  if (text == "normal") return Severity::normal;
  if (text == "high") return Severity::high;
  if (text == "stat") return Severity::stat;
  return std::nullopt;
}

}  // namespace gw
