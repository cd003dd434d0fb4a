#include "console_json.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <ctime>

#include "gateway/config/duration.hpp"

namespace gw::console {
namespace {

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

boost::json::value iso_time(registry::TimestampMs ms) {
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
          {"firstSeen", iso_time(s.first_seen)},
          {"lastInstance", iso_time(s.last_instance)},
          {"attempts", s.attempts},
          {"studyId", s.study_id},
          {"lastError", s.last_error},
          {"rule", s.rule_name}};
}

boost::json::object study_details(const registry::StudyRecord& s) {
  boost::json::object out = study_summary(s);
  out["bytes"] = s.bytes;
  out["nextAttempt"] = s.state == registry::StudyState::pending ? iso_time(s.next_attempt) : nullptr;
  out["updated"] = iso_time(s.updated);
  return out;
}

boost::json::object attempt_json(const registry::Attempt& a) {
  return {{"at", iso_time(a.at)},
          {"outcome", a.outcome},
          {"httpStatus", a.http_status},
          {"durationMs", a.duration_ms},
          {"error", a.error}};
}

boost::json::object facts_json(const StudyFacts& facts) {
  boost::json::object out;
  for (const auto& [key, values] : facts.attributes) {
    // Keywords only: every element is also keyed by its tag, which would show it twice.
    const bool tag = key.size() == 8 && key.find_first_not_of("0123456789ABCDEF") == std::string::npos;
    if (tag || identifies_patient(key)) continue;
    boost::json::array list;
    for (const auto& v : values) list.emplace_back(v);
    out[key] = std::move(list);
  }
  return out;
}

boost::json::array explanation_json(const routing::Explanation& explanation) {
  boost::json::array out;
  for (const auto& rule : explanation.rules) {
    out.push_back(boost::json::object{{"rule", rule.rule_name},
                                      {"line", rule.line},
                                      {"matched", rule.matched},
                                      {"failedCondition", rule.failed_condition}});
  }
  return out;
}

boost::json::value request_json(const std::string& body) {
  if (body.empty()) return nullptr;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return parsed;
}

std::string cursor_after(const registry::StudyRecord& study) {
  return std::to_string(study.first_seen) + "_" + study.study_instance_uid;
}

std::optional<std::pair<registry::TimestampMs, std::string>> parse_cursor(std::string_view cursor) {
  const auto sep = cursor.find('_');
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  registry::TimestampMs first_seen = 0;
  const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + sep, first_seen);
  if (ec != std::errc{} || end != cursor.data() + sep) return std::nullopt;
  return std::pair{first_seen, std::string(cursor.substr(sep + 1))};
}

}  // namespace gw::console
