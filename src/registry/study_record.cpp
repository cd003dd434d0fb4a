#include "gateway/registry/study_record.hpp"

#include <array>

namespace gw::registry {
namespace {
constexpr std::array<std::string_view, 6> kNames = {"pending", "in_flight", "registered",
                                                    "failed",  "ignored",   "receiving"};
}

std::string_view to_string(StudyState s) noexcept { return kNames[static_cast<std::size_t>(s)]; }

std::optional<StudyState> parse_study_state(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<StudyState>(i);
  }
  return std::nullopt;
}

}  // namespace gw::registry
