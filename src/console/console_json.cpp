#include "console_json.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <ctime>


namespace gw::console {
boost::json::object study_details(const registry::StudyRecord& s) {
  boost::json::object out = study_summary(s);
  out["nextAttempt"] = s.state == registry::StudyState::pending ? json_time(s.next_attempt) : nullptr;
  out["updated"] = json_time(s.updated);
  return out;
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
