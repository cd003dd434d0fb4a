#pragma once
// StudyFacts as JSON: how a `receiving` study keeps its first instance's facts in the registry
// until it is routed (registration.trigger: study_stable).
#include <optional>
#include <string>

#include "gateway/domain/study_facts.hpp"

namespace gw::app {

std::string facts_to_json(const StudyFacts& facts);
/// nullopt when `json` is not what facts_to_json wrote.
std::optional<StudyFacts> facts_from_json(const std::string& json);

}  // namespace gw::app
