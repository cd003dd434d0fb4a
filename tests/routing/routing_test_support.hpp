#pragma once
// Helpers for routing tests: load rules from YAML text, build facts in one line.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/routing_yaml.hpp"
#include "gateway/domain/study_facts.hpp"
#include "gateway/routing/rule_set.hpp"

namespace gw::routing::testing {

/// A load's outcome: the rules (null on error) and every diagnostic as "line:column: message"
/// ("line:column: warning: message" for warnings), file name left out.
struct Loaded {
  std::shared_ptr<const RuleSet> rules;
  std::vector<std::string> diagnostics;
};

/// Loads `yaml`, whose top level holds `routing:`. Keywords known: a small dictionary subset
/// (see routing_test_support.cpp), so misspellings are caught as with DCMTK's.
Loaded load(const std::string& yaml, const std::string& default_description = "DICOM study");

/// Like load, but fails the test on any diagnostic.
std::shared_ptr<const RuleSet> load_ok(const std::string& yaml);

/// Facts from "Key=value" pairs; "Key=a\\b" gives a multi-valued attribute.
StudyFacts facts(std::vector<std::pair<std::string, std::string>> pairs);

/// True for the keywords the tests treat as the DICOM dictionary.
bool test_dictionary(std::string_view keyword);

}  // namespace gw::routing::testing
