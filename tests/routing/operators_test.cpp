// Every operator and combination, one row per behaviour: does a one-rule set take the study?
#include <gtest/gtest.h>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using testing::facts;

struct OperatorCase {
  const char* name;   // the sentence the row proves
  const char* match;  // the rule's `match:` value, flow style
  std::vector<std::pair<std::string, std::string>> study;
  bool matches;
};

class Operators : public ::testing::TestWithParam<OperatorCase> {};

TEST_P(Operators, DecideWhetherTheRuleTakesTheStudy) {
  const auto& c = GetParam();
  auto rules = testing::load_ok("routing:\n  rules:\n    - name: r\n      match: " +
                                std::string(c.match) + "\n      action: ignore\n");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->route(facts(c.study)).rule_name == "r", c.matches) << c.match;
}

const OperatorCase cases[] = {
    {"AScalarMatchesExactly", "{ Modality: CT }", {{"Modality", "CT"}}, true},
    {"AScalarIsCaseSensitive", "{ Modality: CT }", {{"Modality", "ct"}}, false},
    {"AScalarDoesNotMatchAPrefix", "{ Modality: CT }", {{"Modality", "CTX"}}, false},
    {"AnAbsentAttributeFailsAScalar", "{ Modality: CT }", {{"StationName", "CT"}}, false},
    {"AListMatchesAnyOfItsValues", "{ Modality: [CT, MR] }", {{"Modality", "MR"}}, true},
    {"AListRejectsOtherValues", "{ Modality: [CT, MR] }", {{"Modality", "US"}}, false},
    {"EqualsMatchesExactly", "{ Modality: { equals: CT } }", {{"Modality", "CT"}}, true},
    {"EqualsWithIgnoreCaseFoldsAscii", "{ Modality: { equals: ct, ignore_case: true } }", {{"Modality", "Ct"}}, true},
    {"InMatchesAnyOfItsValues", "{ Modality: { in: [CT, MR] } }", {{"Modality", "CT"}}, true},
    {"InWithIgnoreCaseFoldsAscii", "{ Modality: { in: [ct], ignore_case: true } }", {{"Modality", "CT"}}, true},
    {"RegexSearchesAnywhereInTheValue", "{ StudyDescription: { regex: chest } }", {{"StudyDescription", "CT chest w/o"}}, true},
    {"RegexIsCaseSensitiveByDefault", "{ StudyDescription: { regex: chest } }", {{"StudyDescription", "CT CHEST"}}, false},
    {"RegexHonoursAnInlineCaseFlag", "{ StudyDescription: { regex: \"(?i)chest\" } }", {{"StudyDescription", "CT CHEST"}}, true},
    {"RegexHonoursIgnoreCase", "{ StudyDescription: { regex: chest, ignore_case: true } }", {{"StudyDescription", "CHEST"}}, true},
    {"RegexAnchorsAreRespected", "{ PatientName: { regex: \"^PHANTOM\" } }", {{"PatientName", "X^PHANTOM"}}, false},
    {"RegexCaseFoldingCoversNonAsciiLetters", "{ StudyDescription: { regex: \"(?i)ÉPAULE\" } }", {{"StudyDescription", "IRM épaule"}}, true},
    {"GlobStarMatchesAnyRun", "{ StationName: { glob: \"CT*\" } }", {{"StationName", "CT_WEST_01"}}, true},
    {"GlobMustMatchTheWholeValue", "{ StationName: { glob: \"CT?\" } }", {{"StationName", "CT01"}}, false},
    {"GlobQuestionMarkMatchesOneCharacter", "{ StationName: { glob: \"CT0?\" } }", {{"StationName", "CT01"}}, true},
    {"GlobClassesMatchOneOfTheirCharacters", "{ StationName: { glob: \"CT[12]*\" } }", {{"StationName", "CT2A"}}, true},
    {"GlobNegatedClassesExcludeTheirCharacters", "{ StationName: { glob: \"CT[!12]*\" } }", {{"StationName", "CT2A"}}, false},
    {"GlobTreatsRegexCharactersLiterally", "{ StationName: { glob: \"a.b*\" } }", {{"StationName", "axb"}}, false},
    {"GlobHonoursIgnoreCase", "{ StationName: { glob: \"ct*\", ignore_case: true } }", {{"StationName", "CT01"}}, true},
    {"PrefixMatchesTheStart", "{ AccessionNumber: { prefix: ER } }", {{"AccessionNumber", "ER1234"}}, true},
    {"PrefixDoesNotMatchElsewhere", "{ AccessionNumber: { prefix: ER } }", {{"AccessionNumber", "1ER"}}, false},
    {"PrefixHonoursIgnoreCase", "{ AccessionNumber: { prefix: er, ignore_case: true } }", {{"AccessionNumber", "ER1"}}, true},
    {"SuffixMatchesTheEnd", "{ StationName: { suffix: _ER } }", {{"StationName", "CT01_ER"}}, true},
    {"SuffixHonoursIgnoreCase", "{ StationName: { suffix: _er, ignore_case: true } }", {{"StationName", "CT01_ER"}}, true},
    {"ContainsMatchesInside", "{ StudyDescription: { contains: STAT } }", {{"StudyDescription", "CT HEAD STAT NOW"}}, true},
    {"ContainsIsCaseSensitiveByDefault", "{ StudyDescription: { contains: STAT } }", {{"StudyDescription", "ct head stat"}}, false},
    {"ContainsHonoursIgnoreCase", "{ StudyDescription: { contains: STAT, ignore_case: true } }", {{"StudyDescription", "ct head stat"}}, true},
    {"ExistsTrueNeedsTheAttribute", "{ AccessionNumber: { exists: true } }", {{"AccessionNumber", "A1"}}, true},
    {"ExistsTrueFailsWhenAbsent", "{ AccessionNumber: { exists: true } }", {{"Modality", "CT"}}, false},
    {"ExistsTrueTreatsAnEmptyValueAsAbsent", "{ AccessionNumber: { exists: true } }", {{"AccessionNumber", ""}}, false},
    {"ExistsFalseMatchesAnAbsentAttribute", "{ AccessionNumber: { exists: false } }", {{"Modality", "CT"}}, true},
    {"ExistsFalseFailsWhenPresent", "{ AccessionNumber: { exists: false } }", {{"AccessionNumber", "A1"}}, false},
    {"CidrMatchesAnIpv4Network", "{ peer_address: { cidr: 10.0.0.0/8 } }", {{"peer_address", "10.20.30.40"}}, true},
    {"CidrRejectsAnotherIpv4Network", "{ peer_address: { cidr: 10.0.0.0/8 } }", {{"peer_address", "11.0.0.1"}}, false},
    {"CidrMatchesAnIpv6Network", "{ peer_address: { cidr: \"fd00::/8\" } }", {{"peer_address", "fd12::1"}}, true},
    {"CidrRejectsAnotherIpv6Network", "{ peer_address: { cidr: \"fd00::/8\" } }", {{"peer_address", "fe80::1"}}, false},
    {"CidrMatchesAnIpv4MappedPeer", "{ peer_address: { cidr: 192.168.1.0/24 } }", {{"peer_address", "::ffff:192.168.1.7"}}, true},
    {"CidrAcceptsAListOfNetworks", "{ peer_address: { cidr: [10.0.0.0/8, 192.168.0.0/16] } }", {{"peer_address", "192.168.3.3"}}, true},
    {"CidrWithoutPrefixIsOneHost", "{ peer_address: { cidr: 10.1.1.1 } }", {{"peer_address", "10.1.1.2"}}, false},
    {"CidrRejectsANonAddress", "{ peer_address: { cidr: 10.0.0.0/8 } }", {{"peer_address", "ct-host"}}, false},
    {"CallingAeIsMatchedLikeAnAttribute", "{ calling_ae: [CT01, CT02] }", {{"calling_ae", "CT02"}}, true},
    {"CalledAeIsMatchedLikeAnAttribute", "{ called_ae: GATEWAY }", {{"called_ae", "GATEWAY"}}, true},
    {"ATagInParenthesesNamesTheAttribute", "{ \"(0008,1030)\": { prefix: CT } }", {{"00081030", "CT HEAD"}}, true},
    {"ATagInHexNamesTheAttribute", "{ \"00081030\": { prefix: CT } }", {{"00081030", "CT HEAD"}}, true},
    {"APrivateTagInLowerCaseIsNormalised", "{ \"(0009,10af)\": SITE1 }", {{"000910AF", "SITE1"}}, true},
    {"SeveralKeysMustAllHold", "{ Modality: CT, StationName: CT01 }", {{"Modality", "CT"}, {"StationName", "CT02"}}, false},
    {"SeveralKeysMatchWhenAllHold", "{ Modality: CT, StationName: CT01 }", {{"Modality", "CT"}, {"StationName", "CT01"}}, true},
    {"AMultiValuedAttributeMatchesIfAnyValueMatches", "{ ModalitiesInStudy: PT }", {{"ModalitiesInStudy", "CT\\PT"}}, true},
    {"AMultiValuedAttributeFailsIfNoValueMatches", "{ ModalitiesInStudy: MR }", {{"ModalitiesInStudy", "CT\\PT"}}, false},
    {"AnyMatchesWhenOneAlternativeHolds", "{ any: [ { Modality: CT }, { StationName: MR01 } ] }", {{"Modality", "MR"}, {"StationName", "MR01"}}, true},
    {"AnyFailsWhenNoAlternativeHolds", "{ any: [ { Modality: CT }, { StationName: MR01 } ] }", {{"Modality", "MR"}}, false},
    {"AllNeedsEveryPart", "{ all: [ { Modality: CT }, { StationName: { prefix: CT } } ] }", {{"Modality", "CT"}, {"StationName", "MR1"}}, false},
    {"AllMatchesWhenEveryPartHolds", "{ all: [ { Modality: CT }, { StationName: { prefix: CT } } ] }", {{"Modality", "CT"}, {"StationName", "CT1"}}, true},
    {"AnyAndAllNest", "{ any: [ { all: [ { Modality: CT }, { calling_ae: CT01 } ] }, { Modality: MR } ] }", {{"Modality", "CT"}, {"calling_ae", "CT01"}}, true},
    {"NotOnAKeyNegatesItsOperator", "{ Modality: { not: { in: [CT, MR] } } }", {{"Modality", "US"}}, true},
    {"NotOnAKeyFailsWhenTheOperatorHolds", "{ Modality: { not: CT } }", {{"Modality", "CT"}}, false},
    {"NotOnAKeyMatchesAnAbsentAttribute", "{ Modality: { not: CT } }", {{"StationName", "X"}}, true},
    {"NotInheritsIgnoreCase", "{ Modality: { not: { equals: ct }, ignore_case: true } }", {{"Modality", "CT"}}, false},
    {"NotOnAMatchMapNegatesAllItsKeys", "{ not: { Modality: CT, StationName: CT01 } }", {{"Modality", "CT"}, {"StationName", "CT02"}}, true},
    {"NotOnAMultiValuedAttributeMeansNoValueMatches", "{ ModalitiesInStudy: { not: PT } }", {{"ModalitiesInStudy", "CT\\PT"}}, false},
    {"AnEmptyMatchTakesEveryStudy", "{}", {{"Modality", "CT"}}, true},
    {"ValuesAreComparedAsUtf8", "{ InstitutionName: Hôpital Saint-Éloi }", {{"InstitutionName", "Hôpital Saint-Éloi"}}, true},
};

INSTANTIATE_TEST_SUITE_P(Rules, Operators, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AssociationKeys, FallBackToTheAssociationWhenTheIntakeDidNotCopyThem) {
  auto rules = testing::load_ok(
      "routing:\n  rules:\n    - name: r\n      match: { calling_ae: CT01, peer_address: { cidr: 10.0.0.0/8 } }\n"
      "      action: ignore\n");
  StudyFacts f;
  f.association.calling_ae = "CT01";
  f.association.peer_address = "10.1.2.3";
  EXPECT_EQ(rules->route(f).rule_name, "r");
}

TEST(RuleOrder, TheFirstMatchingRuleWins) {
  auto rules = testing::load_ok(R"y(
routing:
  rules:
    - name: first
      match: { Modality: CT }
      assign: { severity: high }
    - name: second
      match: { StationName: CT01 }
      assign: { severity: stat }
)y");
  EXPECT_EQ(rules->route(facts({{"Modality", "CT"}, {"StationName", "CT01"}})).rule_name, "first");
  EXPECT_EQ(rules->route(facts({{"Modality", "MR"}, {"StationName", "CT01"}})).rule_name, "second");
  EXPECT_EQ(rules->route(facts({{"Modality", "MR"}})).rule_name, "default");
}

}  // namespace
}  // namespace gw::routing
