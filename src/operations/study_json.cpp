#include "gateway/operations/study_json.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>

#include "gateway/config/duration.hpp"

namespace gw::operations {
namespace {

// The registry keeps multi-valued text as DICOM does, values joined by '\'.
boost::json::array split_values(const std::string& joined) {
  boost::json::array out;
  for (std::size_t start = 0; start < joined.size();) {
    const std::size_t end = std::min(joined.find('\\', start), joined.size());
    out.emplace_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

boost::json::value json_time(registry::TimestampMs ms) {
  if (ms <= 0) return nullptr;
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms % 1000));
  return boost::json::string(text);
}

std::optional<registry::TimestampMs> parse_time(std::string_view text, registry::TimestampMs now) {
  const std::string value(text);
  if (const auto ago = config::parse_duration(value)) return now - ago->count();
  for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"}) {
    std::tm tm{};
    const char* end = strptime(value.c_str(), format, &tm);
    if (end && *end == '\0') return static_cast<registry::TimestampMs>(timegm(&tm)) * 1000;
  }
  return std::nullopt;
}

boost::json::object study_summary(const registry::StudyRecord& s) {
  return {{"studyInstanceUid", s.study_instance_uid},
          {"state", to_string(s.state)},
          {"description", s.description},
          {"accessionNumber", s.accession_number},
          {"modalities", split_values(s.modalities)},
          {"callers", split_values(s.callers)},
          {"instances", s.instances},
          {"series", s.series},
          {"bytes", s.bytes},
          {"firstSeen", json_time(s.first_seen)},
          {"lastInstance", json_time(s.last_instance)},
          {"attempts", s.attempts},
          {"studyId", s.study_id},
          {"lastError", s.last_error},
          {"rule", s.rule_name},
          // The fleet: which node received the first instance, holds the claim (in_flight
          // only), and got the viewer's receipt. One name throughout with SQLite.
          {"receivedBy", s.received_by},
          {"claimedBy", s.claimed_by},
          {"registeredBy", s.registered_by}};
}

boost::json::object attempt_json(const registry::Attempt& a) {
  return {{"at", json_time(a.at)},
          {"outcome", a.outcome},
          {"httpStatus", a.http_status},
          {"durationMs", a.duration_ms},
          {"error", a.error}};
}

}  // namespace gw::operations
