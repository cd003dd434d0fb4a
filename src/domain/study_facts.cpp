#include "gateway/domain/study_facts.hpp"

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

}  // namespace gw
