#include "studies_format.hpp"

#include <ctime>

#include "gateway/operations/study_json.hpp"
#include "wall_clock.hpp"

namespace gw::app {

std::string iso_time(registry::TimestampMs ms) {
  if (ms <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
  return text;
}

std::optional<registry::TimestampMs> parse_since(const std::string& text) {
  return operations::parse_time(text, now_ms());
}

std::string tsv_field(const std::string& text) {
  if (text.empty()) return "-";
  std::string out = text;
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace gw::app
