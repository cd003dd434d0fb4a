// explain's per-rule account, hit counting, size and the keys the DICOM reader must extract.
#include <gtest/gtest.h>

#include <thread>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using testing::facts;

const char* const rules_yaml = R"y(
routing:
  tables:
    sites: { CT01: North }
  rules:
    - name: ct-chest
      match:
        StudyDescription: { regex: "(?i)chest" }
        Modality: CT
      assign: { severity: high }
    - name: ae
      match: { calling_ae: [CT01, CT02] }
      assign: { metadata: { site: "{{table:sites[StationName]|?}}" } }
    - name: either
      match: { any: [ { "(0008,0080)": City }, { not: { AccessionNumber: { exists: true } } } ] }
      action: ignore
    - name: absent
      match: { PatientName: { exists: true } }
      action: ignore
)y";

struct ExplainCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> study;
  std::vector<std::string> outcomes;  // per rule: "matched" or the failing condition
  const char* decided;
};

class Explain : public ::testing::TestWithParam<ExplainCase> {};

TEST_P(Explain, GivesEveryRulesOutcomeAndTheDecision) {
  const auto& c = GetParam();
  auto rules = testing::load_ok(rules_yaml);
  const auto e = rules->explain(facts(c.study));
  std::vector<std::string> outcomes;
  for (const auto& r : e.rules) outcomes.push_back(r.matched ? "matched" : r.failed_condition);
  EXPECT_EQ(outcomes, c.outcomes);
  EXPECT_EQ(e.decision.rule_name, c.decided);
}

const ExplainCase cases[] = {
    {"NamesTheFirstFailingConditionAsWrittenWithTheValuesSeen",
     {{"Modality", "MR"}, {"StudyDescription", "Head"}, {"AccessionNumber", "A1"}},
     {"StudyDescription regex \"(?i)chest\"; got \"Head\"", "calling_ae in [\"CT01\", \"CT02\"]; absent",
      "none of: (0008,0080) equals \"City\"; absent | not (AccessionNumber exists: true); got \"A1\"",
      "PatientName exists: true; absent"},
     "default"},
    {"ReportsTheWrittenOrderEvenThoughCheapTestsRunFirst",
     {{"Modality", "MR"}, {"StudyDescription", "Chest"}, {"AccessionNumber", "A1"}},
     {"Modality equals \"CT\"; got \"MR\"", "calling_ae in [\"CT01\", \"CT02\"]; absent",
      "none of: (0008,0080) equals \"City\"; absent | not (AccessionNumber exists: true); got \"A1\"",
      "PatientName exists: true; absent"},
     "default"},
    {"MarksEveryMatchingRuleAndDecidesForTheFirst",
     {{"Modality", "CT"}, {"StudyDescription", "CHEST"}, {"calling_ae", "CT01"}},
     {"matched", "matched", "matched", "PatientName exists: true; absent"},
     "ct-chest"},
};

INSTANTIATE_TEST_SUITE_P(Routing, Explain, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(HitCounts, CountEachRouteOnceForItsRuleAndListTheDefaultLast) {
  auto rules = testing::load_ok(rules_yaml);
  rules->route(facts({{"Modality", "CT"}, {"StudyDescription", "chest"}}));
  rules->route(facts({{"calling_ae", "CT02"}}));
  rules->route(facts({{"calling_ae", "CT01"}}));
  rules->route(facts({{"AccessionNumber", "A"}}));
  rules->explain(facts({{"calling_ae", "CT01"}}));  // explaining does not count
  EXPECT_EQ(rules->hit_counts(),
            (std::vector<std::pair<std::string, std::uint64_t>>{
                {"ct-chest", 1}, {"ae", 2}, {"either", 0}, {"absent", 0}, {"default", 1}}));
}

TEST(HitCounts, AreExactWhenManyThreadsRouteAtOnce) {
  auto rules = testing::load_ok(rules_yaml);
  const auto study = facts({{"calling_ae", "CT01"}, {"StationName", "CT01"}});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) EXPECT_EQ(rules->route(study).request.metadata.at("site"), "North");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(rules->hit_counts()[1].second, 4000u);
}

TEST(RuleSetShape, ReportsItsSizeWithoutTheDefault) {
  EXPECT_EQ(testing::load_ok(rules_yaml)->size(), 4u);
}

TEST(AttributeKeys, ListEveryKeyRulesAndTemplatesReadWithTagsNormalised) {
  EXPECT_EQ(testing::load_ok(rules_yaml)->attribute_keys(),
            (std::vector<std::string>{"00080080", "AccessionNumber", "Modality", "PatientName",
                                      "StationName", "StudyDescription", "calling_ae"}));
}

}  // namespace
}  // namespace gw::routing
