#include "studies_format.hpp"

#include <ctime>

#include "gateway/config/duration.hpp"
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
  if (const auto ago = config::parse_duration(text)) return now_ms() - ago->count();
  for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end && *end == '\0') return static_cast<registry::TimestampMs>(timegm(&tm)) * 1000;
  }
  return std::nullopt;
}

boost::json::object study_to_json(const registry::StudyRecord& s) {
  return {{"studyInstanceUid", s.study_instance_uid},
          {"state", to_string(s.state)},
          {"rule", s.rule_name},
          {"attempts", s.attempts},
          {"studyId", s.study_id},
          {"lastError", s.last_error},
          {"firstSeen", iso_time(s.first_seen)},
          {"lastInstance", iso_time(s.last_instance)},
          {"instances", s.instances},
          {"series", s.series},
          {"modalities", s.modalities},
          {"bytes", s.bytes}};
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
