// Every load error, asserted with its exact line and column, and the rule that all are reported.
#include <gtest/gtest.h>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

struct ErrorCase {
  const char* name;
  const char* yaml;
  std::vector<std::string> diagnostics;  // "line:column: message", in report order
};

class LoadErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(LoadErrors, AreReportedWithTheirLineAndColumn) {
  const auto& c = GetParam();
  const auto loaded = testing::load(c.yaml);
  EXPECT_EQ(loaded.diagnostics, c.diagnostics);
  EXPECT_EQ(loaded.rules, nullptr);
}

const ErrorCase cases[] = {
    {"UnknownKeyInRouting", R"y(
routing:
  rulez: []
)y",
     {"3:3: unknown key \"rulez\" in routing (expected rules, default, tables)"}},
    {"UnknownKeyInARule", R"y(
routing:
  rules:
    - name: a
      match: {}
      acton: ignore
)y",
     {"6:7: unknown key \"acton\" in a rule (expected name, match, assign, action)",
      "4:7: rule \"a\" has neither assign nor action"}},
    {"UnknownKeyInAssign", R"y(
routing:
  rules:
    - name: a
      match: {}
      assign: { assignee: usr_0123456789abcdef0123456789abcdef }
)y",
     {"6:17: unknown key \"assignee\" in assign (expected assigned_to, express_customer_id, severity, "
      "metadata, study_description)"}},
    {"UnknownKeyInDefault", R"y(
routing:
  default:
    match: {}
)y",
     {"4:5: unknown key \"match\" in routing.default (expected assign, action)"}},
    {"UnknownOperator", R"y(
routing:
  rules:
    - name: a
      match:
        StudyDescription: { regx: chest }
      action: ignore
)y",
     {"6:29: unknown operator \"regx\" for StudyDescription (expected equals, in, regex, glob, prefix, "
      "suffix, contains, exists, cidr, not, ignore_case)"}},
    {"TwoOperatorsInOneMap", R"y(
routing:
  rules:
    - name: a
      match:
        StationName: { prefix: CT, suffix: ER }
      action: ignore
)y",
     {"6:22: the condition on StationName has 2 operators; write one per map and combine them with all:"}},
    {"UnknownKeyword", R"y(
routing:
  rules:
    - name: a
      match:
        Modalty: CT
      action: ignore
)y",
     {"6:9: unknown DICOM keyword \"Modalty\""}},
    {"AKeyThatIsNeitherKeywordNorTag", R"y(
routing:
  rules:
    - name: a
      match: { "(0008,10)": CT }
      action: ignore
)y",
     {"5:16: \"(0008,10)\" is not a DICOM keyword, a tag like \"(0008,1030)\" or \"00081030\", or "
      "calling_ae, called_ae, peer_address"}},
    {"DuplicateRuleName", R"y(
routing:
  rules:
    - name: a
      match: { Modality: CT }
      action: ignore
    - name: a
      match: { Modality: MR }
      action: ignore
)y",
     {"7:13: duplicate rule name \"a\" (first at line 4)"}},
    {"MissingName", R"y(
routing:
  rules:
    - match: { Modality: CT }
      action: ignore
)y",
     {"4:7: rule #1 has no name"}},
    {"MissingMatch", R"y(
routing:
  rules:
    - name: a
      action: ignore
)y",
     {"4:7: rule \"a\" has no match (write match: {} to match every study)"}},
    {"ARuleNamedDefault", R"y(
routing:
  rules:
    - name: default
      match: { Modality: CT }
      action: ignore
)y",
     {"4:13: rule name \"default\" is reserved for routing.default"}},
    {"RegexThatDoesNotCompile", R"y(
routing:
  rules:
    - name: a
      match: { StudyDescription: { regex: "chest(" } }
      action: ignore
)y",
     {"5:43: regex \"chest(\" does not compile: missing ): chest("}},
    {"RegexWithABackreference", R"y(
routing:
  rules:
    - name: a
      match: { PatientName: { regex: "(A)\\1" } }
      action: ignore
)y",
     {"5:38: regex \"(A)\\1\" does not compile: invalid escape sequence: \\1 (RE2 does not support "
      "backreferences)"}},
    {"RegexWithLookahead", R"y(
routing:
  rules:
    - name: a
      match: { PatientName: { regex: "^(?!QA)" } }
      action: ignore
)y",
     {"5:38: regex \"^(?!QA)\" does not compile: invalid perl operator: (?! (RE2 does not support "
      "lookahead or lookbehind)"}},
    {"BadCidr", R"y(
routing:
  rules:
    - name: a
      match: { peer_address: { cidr: [10.0.0.0/8, 10.0.0.0/33] } }
      action: ignore
)y",
     {"5:51: \"10.0.0.0/33\" is not an IPv4 or IPv6 network (write it like 10.0.0.0/8 or fd00::/8)"}},
    {"ExistsThatIsNotABoolean", R"y(
routing:
  rules:
    - name: a
      match: { AccessionNumber: { exists: maybe } }
      action: ignore
)y",
     {"5:43: exists must be true or false"}},
    {"AConditionWithoutAValue", R"y(
routing:
  rules:
    - name: a
      match:
        Modality:
      action: ignore
)y",
     {"6:9: condition on Modality has no value (write exists: false to require an absent attribute)"}},
    {"BadSeverity", R"y(
routing:
  rules:
    - name: a
      match: {}
      assign: { severity: urgent }
)y",
     {"6:27: severity \"urgent\" must be normal, high or stat"}},
    {"BadAction", R"y(
routing:
  rules:
    - name: a
      match: {}
      action: drop
)y",
     {"6:15: action must be register or ignore"}},
    {"BadUserId", R"y(
routing:
  rules:
    - name: a
      match: {}
      assign: { assigned_to: usr_123 }
)y",
     {"6:30: assigned_to \"usr_123\" is not a user id (usr_ followed by 32 hex digits)"}},
    {"BadCustomerId", R"y(
routing:
  default:
    assign: { express_customer_id: usr_0123456789abcdef0123456789abcdef }
)y",
     {"4:36: express_customer_id \"usr_0123456789abcdef0123456789abcdef\" is not a customer id (cus_ "
      "followed by 32 hex digits)"}},
    {"ATableValueThatIsNotACustomerId", R"y(
routing:
  tables:
    sites:
      CT01: cus_0123456789abcdef0123456789abcdef
      CT02: cus_nope
  default:
    assign: { express_customer_id: "{{table:sites[StationName]}}" }
)y",
     {"6:13: table \"sites\" maps \"CT02\" to \"cus_nope\", which is not a customer id (cus_ followed "
      "by 32 hex digits) (used by express_customer_id at line 8)"}},
    {"ADescriptionThatCanBeEmpty", R"y(
routing:
  default:
    assign: { study_description: "{{StudyDescription}}{{StationName}}" }
)y",
     {"4:34: study_description \"{{StudyDescription}}{{StationName}}\" can expand to an empty "
      "description: add literal text or a default, like {{StudyDescription|DICOM study}}"}},
    {"ATemplateNamingAnUnknownKeyword", R"y(
routing:
  default:
    assign:
      metadata: { site: "{{Statoin|x}}" }
)y",
     {"5:25: metadata \"site\" template: unknown DICOM keyword \"Statoin\""}},
    {"ATemplateNamingAnUnknownTable", R"y(
routing:
  default:
    assign: { study_description: "{{table:nope[StationName]|x}}" }
)y",
     {"4:34: study_description template: unknown table \"nope\""}},
    {"AnUnclosedPlaceholder", R"y(
routing:
  default:
    assign: { study_description: "CT {{Modality" }
)y",
     {"4:34: study_description: template \"CT {{Modality\" has \"{{\" without a closing \"}}\""}},
    {"AMetadataKeyTooLong", R"y(
routing:
  default:
    assign:
      metadata:
        kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: v
)y",
     {"6:9: metadata key has 101 characters; the viewer accepts 1 to 100"}},
    {"DuplicateKeyInAMatch", R"y(
routing:
  rules:
    - name: a
      match:
        Modality: CT
        Modality: MR
      action: ignore
)y",
     {"7:9: duplicate key \"Modality\" in match"}},
    {"RulesThatAreNotAList", R"y(
routing:
  rules: { name: a }
)y",
     {"3:10: routing.rules must be a list of rules"}},
    {"AnEmptyAnyList", R"y(
routing:
  rules:
    - name: a
      match: { any: [] }
      action: ignore
)y",
     {"5:21: any must be a non-empty list of match maps"}},
};

INSTANTIATE_TEST_SUITE_P(Routing, LoadErrors, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LoadErrors, AreAllReportedAtOnceAcrossRules) {
  const auto loaded = testing::load(R"y(
routing:
  rules:
    - name: a
      match: { Modalty: CT }
      assign: { severity: urgent }
    - name: b
      match: { StudyDescription: { regex: "(" } }
      assign: { assigned_to: usr_x }
)y");
  EXPECT_EQ(loaded.rules, nullptr);
  EXPECT_EQ(loaded.diagnostics,
            (std::vector<std::string>{
                "5:16: unknown DICOM keyword \"Modalty\"",
                "6:27: severity \"urgent\" must be normal, high or stat",
                "8:43: regex \"(\" does not compile: missing ): (",
                "9:30: assigned_to \"usr_x\" is not a user id (usr_ followed by 32 hex digits)",
            }));
}

TEST(LoadErrors, AMetadataMapOfFiftyOnePairsIsRejectedAtTheMap) {
  std::string yaml = "routing:\n  default:\n    assign:\n      metadata:\n";
  for (int i = 0; i < 51; ++i) yaml += "        k" + std::to_string(i) + ": v\n";
  const auto loaded = testing::load(yaml);
  EXPECT_EQ(loaded.diagnostics,
            (std::vector<std::string>{"5:9: metadata has 51 pairs; the viewer accepts at most 50"}));
}

TEST(LoadErrors, AMetadataTemplateIsBoundedByItsDefaultAndTheAttributeLengthAssumption) {
  const std::string yaml = "routing:\n  tables:\n    notes: { a: x }\n  default:\n    assign:\n"
                           "      metadata:\n        note: \"{{table:notes[StationName]|" +
                           std::string(1000, 'y') + "}} / {{StationName}}\"\n";
  EXPECT_EQ(testing::load(yaml).diagnostics,
            (std::vector<std::string>{
                "7:15: metadata value for \"note\" can expand to 1067 characters; the viewer "
                "accepts at most 1000 (an attribute placeholder counts as 64)"}));
}

TEST(LoadErrors, FiftyMetadataPairsAreAccepted) {
  std::string yaml = "routing:\n  default:\n    assign:\n      metadata:\n";
  for (int i = 0; i < 50; ++i) yaml += "        k" + std::to_string(i) + ": v\n";
  EXPECT_NE(testing::load_ok(yaml), nullptr);
}

TEST(LoadErrors, TheIssueExampleLoadsWithoutDiagnostics) {
  auto rules = testing::load_ok(R"y(
routing:
  rules:
    - name: ct-urgent
      match:
        Modality: CT
        calling_ae: [CT01, CT02]
        StudyDescription: { regex: "(?i)chest" }
      assign:
        assigned_to: usr_0123456789abcdef0123456789abcdef
        express_customer_id: cus_0123456789abcdef0123456789abcdef
        severity: high
        metadata: { department: radiology }
    - name: phantoms
      match: { PatientName: { regex: "^PHANTOM" } }
      action: ignore
  default:
    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }
)y");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->size(), 2u);
  const auto d = rules->route(testing::facts(
      {{"Modality", "CT"}, {"calling_ae", "CT02"}, {"StudyDescription", "CT Chest"}}));
  EXPECT_EQ(d.rule_name, "ct-urgent");
  EXPECT_EQ(d.request.severity, Severity::high);
}

TEST(LoadErrors, AnAbsentOrNullRoutingSectionRegistersEverything) {
  for (const char* yaml : {"other: 1\n", "routing:\n"}) {
    auto rules = testing::load_ok(yaml);
    ASSERT_NE(rules, nullptr);
    const auto d = rules->route(testing::facts({{"Modality", "CT"}}));
    EXPECT_EQ(d.rule_name, "default");
    EXPECT_EQ(d.action, RoutingDecision::Action::register_study);
    EXPECT_FALSE(d.request.assigned_to);
    EXPECT_FALSE(d.request.express_customer_id);
  }
}

}  // namespace
}  // namespace gw::routing
