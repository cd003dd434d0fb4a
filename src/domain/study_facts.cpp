#include "gateway/domain/study_facts.hpp"

#include <map>

namespace gw {

const StudyFacts::Values* StudyFacts::find(std::string_view key) const {
  auto it = attributes.find(key);
  return it == attributes.end() ? nullptr : &it->second;
}

std::string StudyFacts::first(std::string_view key) const {
  const Values* v = find(key);
  return (v && !v->empty()) ? v->front() : std::string{};
}

void StudyFacts::set(std::string key, Values values) {
  attributes.insert_or_assign(std::move(key), std::move(values));
}

void StudyFacts::set_association(const AssociationInfo& info) {
  association = info;
  set("calling_ae", {info.calling_ae});
  set("called_ae", {info.called_ae});
  set("peer_address", {info.peer_address});
}

bool identifies_patient(std::string_view key) {
  const bool tag = key.size() == 8 && key.find_first_not_of("0123456789ABCDEFabcdef") == std::string_view::npos;
  if (tag) return key.substr(0, 4) == "0010";
  return key.starts_with("Patient") || key.starts_with("OtherPatient") ||
         key.starts_with("IssuerOfPatient");
}

StudyFacts without_patient_identity(StudyFacts facts) {
  std::erase_if(facts.attributes, [](const auto& entry) { return identifies_patient(entry.first); });
  return facts;
}

}  // namespace gw
