#pragma once
// StudyFacts as JSON: how the registry keeps the facts a study was routed on (and a receiving
// study's first instance's, until it is routed).
#include <optional>
#include <string>

#include "gateway/domain/study_facts.hpp"

namespace gw {

std::string facts_to_json(const StudyFacts& facts);
/// nullopt when `json` is not what facts_to_json wrote.
std::optional<StudyFacts> facts_from_json(const std::string& json);

}  // namespace gw
