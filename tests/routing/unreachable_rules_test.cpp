// Warnings for rules an earlier rule shadows; the rules still load.
#include <gtest/gtest.h>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

struct ShadowCase {
  const char* name;
  const char* yaml;
  std::vector<std::string> warnings;
};

class UnreachableRules : public ::testing::TestWithParam<ShadowCase> {};

TEST_P(UnreachableRules, AreReportedAsWarnings) {
  const auto& c = GetParam();
  const auto loaded = testing::load(c.yaml);
  EXPECT_EQ(loaded.diagnostics, c.warnings);
  EXPECT_NE(loaded.rules, nullptr);
}

const ShadowCase cases[] = {
    {"AfterAnEmptyMatch", R"y(
routing:
  rules:
    - name: everything
      match: {}
      action: ignore
    - name: ct
      match: { Modality: CT }
      action: ignore
)y",
     {"5:14: warning: rule \"everything\" has an empty match and takes every study: the rules after "
      "it never match",
      "7:7: warning: rule \"ct\" can never match: rule \"everything\" (line 4) matches every study it "
      "matches"}},
    {"WhenAnEarlierRulesConditionsAreASubset", R"y(
routing:
  rules:
    - name: ct
      match: { Modality: CT }
      action: ignore
    - name: ct-chest
      match: { Modality: CT, StudyDescription: { regex: chest } }
      action: ignore
)y",
     {"7:7: warning: rule \"ct-chest\" can never match: rule \"ct\" (line 4) matches every study it "
      "matches"}},
    {"WhenListsHoldTheSameValuesInAnotherOrder", R"y(
routing:
  rules:
    - name: a
      match: { calling_ae: [B, A] }
      action: ignore
    - name: b
      match: { calling_ae: { in: [A, B] }, Modality: CT }
      action: ignore
)y",
     {"7:7: warning: rule \"b\" can never match: rule \"a\" (line 4) matches every study it matches"}},
    {"WhenEqualsAndAOneItemListTestTheSameValue", R"y(
routing:
  rules:
    - name: a
      match: { Modality: CT }
      action: ignore
    - name: b
      match: { all: [ { Modality: [CT] }, { StationName: X } ] }
      action: ignore
)y",
     {"7:7: warning: rule \"b\" can never match: rule \"a\" (line 4) matches every study it matches"}},
    {"NotWhenTheOperatorsDiffer", R"y(
routing:
  rules:
    - name: a
      match: { Modality: { prefix: CT } }
      action: ignore
    - name: b
      match: { Modality: CT }
      action: ignore
)y",
     {}},
    {"NotWhenOnlyCaseSensitivityDiffers", R"y(
routing:
  rules:
    - name: a
      match: { Modality: { equals: ct, ignore_case: true } }
      action: ignore
    - name: b
      match: { Modality: CT }
      action: ignore
)y",
     {}},
    {"NotForAnEmptyMatchOnTheLastRule", R"y(
routing:
  rules:
    - name: a
      match: { Modality: CT }
      action: ignore
    - name: rest
      match: {}
      action: ignore
)y",
     {}},
};

INSTANTIATE_TEST_SUITE_P(Routing, UnreachableRules, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gw::routing
