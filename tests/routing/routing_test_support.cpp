#include "routing_test_support.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

namespace gw::routing::testing {

bool test_dictionary(std::string_view keyword) {
  static constexpr std::array<std::string_view, 16> known = {
      "AccessionNumber",  "BodyPartExamined",  "InstitutionName",  "Modality",
      "PatientID",        "PatientName",       "ReferringPhysicianName", "StationName",
      "StudyDescription", "StudyInstanceUID",  "InstitutionalDepartmentName",
      "ModalitiesInStudy", "SeriesDescription", "Manufacturer",    "RequestedProcedureDescription",
      "PerformingPhysicianName"};
  return std::find(known.begin(), known.end(), keyword) != known.end();
}

Loaded load(const std::string& yaml, const std::string& default_description) {
  const YAML::Node root = YAML::Load(yaml);
  config::RoutingLoadOptions opts;
  opts.file = "test.yaml";
  opts.default_description = default_description;
  opts.is_known_keyword = &test_dictionary;
  Diagnostics out;
  Loaded loaded;
  loaded.rules = config::load_routing(root["routing"], opts, out);
  for (const auto& d : out) {
    std::string text = to_string(d);
    loaded.diagnostics.push_back(text.substr(opts.file.size() + 1));
  }
  return loaded;
}

std::shared_ptr<const RuleSet> load_ok(const std::string& yaml) {
  Loaded loaded = load(yaml);
  for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d;
  EXPECT_NE(loaded.rules, nullptr);
  return loaded.rules;
}

StudyFacts facts(std::vector<std::pair<std::string, std::string>> pairs) {
  StudyFacts f;
  f.study_instance_uid = "1.2.3.4";
  for (auto& [key, value] : pairs) {
    StudyFacts::Values values;
    std::size_t start = 0;
    for (;;) {
      const auto bs = value.find('\\', start);
      values.push_back(value.substr(start, bs - start));
      if (bs == std::string::npos) break;
      start = bs + 1;
    }
    if (key == "calling_ae") f.association.calling_ae = values.front();
    if (key == "called_ae") f.association.called_ae = values.front();
    if (key == "peer_address") f.association.peer_address = values.front();
    f.set(key, std::move(values));
  }
  return f;
}

}  // namespace gw::routing::testing
