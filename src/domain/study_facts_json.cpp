#include "gateway/domain/study_facts_json.hpp"

#include <boost/json.hpp>

namespace gw {

std::string facts_to_json(const StudyFacts& facts) {
  boost::json::object attributes;
  for (const auto& [key, values] : facts.attributes) {
    boost::json::array list;
    for (const auto& v : values) list.emplace_back(v);
    attributes[key] = std::move(list);
  }
  return boost::json::serialize(boost::json::object{
      {"studyInstanceUid", facts.study_instance_uid},
      {"callingAe", facts.association.calling_ae},
      {"calledAe", facts.association.called_ae},
      {"peerAddress", facts.association.peer_address},
      {"attributes", std::move(attributes)}});
}

std::optional<StudyFacts> facts_from_json(const std::string& json) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& o = parsed.as_object();
  const auto text = [&o](const char* key) -> std::string {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  StudyFacts facts;
  facts.study_instance_uid = text("studyInstanceUid");
  facts.association = {text("callingAe"), text("calledAe"), text("peerAddress")};
  const auto* attributes = o.if_contains("attributes");
  if (!attributes || !attributes->is_object()) return std::nullopt;
  for (const auto& [key, values] : attributes->as_object()) {
    if (!values.is_array()) return std::nullopt;
    StudyFacts::Values list;
    for (const auto& v : values.as_array()) {
      if (!v.is_string()) return std::nullopt;
      list.emplace_back(v.as_string());
    }
    facts.set(std::string(key), std::move(list));
  }
  return facts;
}

}  // namespace gw
