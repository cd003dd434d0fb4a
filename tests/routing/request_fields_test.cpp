// The decision's request: every field filled, the description never empty, severity normal.
#include <gtest/gtest.h>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using testing::facts;

const char* const rules_yaml = R"y(
routing:
  rules:
    - name: described
      match: { Modality: CT }
      assign:
        study_description: "{{Modality}} {{BodyPartExamined|study}}"
        severity: stat
        assigned_to: usr_0123456789abcdef0123456789abcdef
        metadata: { site: "{{StationName|?}}", team: neuro }
    - name: plain
      match: { Modality: MR }
      assign: { metadata: { team: mr } }
    - name: skip
      match: { Modality: OT }
      action: ignore
  default:
    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }
)y";

TEST(RequestFields, AreBuiltFromTheMatchingRule) {
  auto rules = testing::load_ok(rules_yaml);
  const auto d = rules->route(facts({{"Modality", "CT"}, {"StationName", "CT01"}}));
  RegistrationRequest expected;
  expected.study_instance_uid = "1.2.3.4";
  expected.study_description = "CT study";
  expected.severity = Severity::stat;
  expected.assigned_to = "usr_0123456789abcdef0123456789abcdef";
  expected.metadata = {{"site", "CT01"}, {"team", "neuro"}};
  EXPECT_EQ(d.request, expected);
  EXPECT_EQ(d.action, RoutingDecision::Action::register_study);
}

TEST(RequestFields, TakeTheStudysDescriptionWhenTheRuleGivesNone) {
  auto rules = testing::load_ok(rules_yaml);
  const auto d = rules->route(facts({{"Modality", "MR"}, {"StudyDescription", "MR Brain"}}));
  EXPECT_EQ(d.request.study_description, "MR Brain");
  EXPECT_EQ(d.request.severity, Severity::normal);
  EXPECT_FALSE(d.request.assigned_to);
  EXPECT_FALSE(d.request.express_customer_id);
}

TEST(RequestFields, FallBackToTheConfiguredDescriptionWhenTheStudyHasNone) {
  auto loaded = testing::load(rules_yaml, "Unlabelled study");
  const auto d = loaded.rules->route(facts({{"Modality", "MR"}, {"StudyDescription", ""}}));
  EXPECT_EQ(d.request.study_description, "Unlabelled study");
}

TEST(RequestFields, NeverHaveAnEmptyDescriptionEvenWhenTheFallbackIsEmpty) {
  auto loaded = testing::load(rules_yaml, "");
  const auto d = loaded.rules->route(facts({{"Modality", "MR"}}));
  EXPECT_EQ(d.request.study_description, "DICOM study");
}

TEST(RequestFields, ComeFromTheDefaultWhenNoRuleMatches) {
  auto rules = testing::load_ok(rules_yaml);
  const auto d = rules->route(facts({{"Modality", "US"}}));
  EXPECT_EQ(d.rule_name, "default");
  EXPECT_EQ(d.request.express_customer_id, "cus_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(d.request.study_description, "DICOM study");
  EXPECT_EQ(d.request.severity, Severity::normal);
  EXPECT_EQ(d.request.study_instance_uid, "1.2.3.4");
}

TEST(RequestFields, AreFilledForIgnoredStudiesToo) {
  auto rules = testing::load_ok(rules_yaml);
  const auto d = rules->route(facts({{"Modality", "OT"}, {"StudyDescription", "QA"}}));
  EXPECT_EQ(d.action, RoutingDecision::Action::ignore);
  EXPECT_EQ(d.request.study_description, "QA");
}

TEST(RequestFields, HonourAnIgnoringDefault) {
  auto rules = testing::load_ok("routing:\n  default:\n    action: ignore\n");
  EXPECT_EQ(rules->route(facts({})).action, RoutingDecision::Action::ignore);
}

}  // namespace
}  // namespace gw::routing
