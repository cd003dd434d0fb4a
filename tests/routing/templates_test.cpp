// Templates: placeholders, defaults, tables, multi-valued attributes, ids checked after expansion.
#include <gtest/gtest.h>

#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using testing::facts;

struct TemplateCase {
  const char* name;
  const char* tmpl;  // a metadata value
  std::vector<std::pair<std::string, std::string>> study;
  const char* expanded;
};

class Templates : public ::testing::TestWithParam<TemplateCase> {};

TEST_P(Templates, ExpandAgainstTheStudy) {
  const auto& c = GetParam();
  auto rules = testing::load_ok(std::string(R"y(
routing:
  tables:
    sites: { CT01: North, CT02: South, "": Nowhere }
  default:
    assign:
      metadata: { v: ")y") + c.tmpl + "\" }\n");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->route(facts(c.study)).request.metadata.at("v"), c.expanded);
}

const TemplateCase cases[] = {
    {"LiteralTextIsKept", "radiology", {}, "radiology"},
    {"AnAttributeIsReplacedByItsValue", "{{Modality}} study", {{"Modality", "CT"}}, "CT study"},
    {"SpacesInsideBracesAreIgnored", "{{ Modality }}", {{"Modality", "CT"}}, "CT"},
    {"AnAbsentAttributeUsesTheDefault", "{{StationName|unknown}}", {}, "unknown"},
    {"AnEmptyAttributeUsesTheDefault", "{{StationName|unknown}}", {{"StationName", ""}}, "unknown"},
    {"AnAbsentAttributeWithoutDefaultIsEmpty", "[{{StationName}}]", {}, "[]"},
    {"TheIssueExampleExpands", "{{Modality}} from {{StationName|unknown}}", {{"Modality", "MR"}}, "MR from unknown"},
    {"AMultiValuedAttributeJoinsWithBackslash", "{{ModalitiesInStudy}}", {{"ModalitiesInStudy", "CT\\PT"}}, "CT\\PT"},
    {"ATagPlaceholderReadsTheTag", "{{(0008,0080)}}", {{"00080080", "City"}}, "City"},
    {"AnAssociationPlaceholderReadsTheAssociation", "{{calling_ae}}", {{"calling_ae", "CT01"}}, "CT01"},
    {"ATableMapsTheAttributeValue", "{{table:sites[StationName]}}", {{"StationName", "CT02"}}, "South"},
    {"ATableMissUsesTheDefault", "{{table:sites[StationName]|elsewhere}}", {{"StationName", "X"}}, "elsewhere"},
    {"ATableMissWithoutDefaultIsEmpty", "<{{table:sites[StationName]}}>", {{"StationName", "X"}}, "<>"},
    {"ATableUsesTheFirstValueItKnows", "{{table:sites[StationName]}}", {{"StationName", "X\\CT01"}}, "North"},
    {"AnAbsentTableKeyUsesTheDefault", "{{table:sites[StationName]|none}}", {}, "none"},
};

INSTANTIATE_TEST_SUITE_P(Routing, Templates, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

const char* const site_customers = R"y(
routing:
  tables:
    customers:
      CT01: cus_0123456789abcdef0123456789abcdef
  rules:
    - name: by-site
      match: { StationName: { exists: true } }
      assign:
        express_customer_id: "{{table:customers[StationName]}}"
        assigned_to: "usr_{{AccessionNumber}}"
)y";

TEST(TemplatedIds, AreTakenFromTheTable) {
  auto rules = testing::load_ok(site_customers);
  const auto d = rules->route(facts({{"StationName", "CT01"}}));
  EXPECT_EQ(d.request.express_customer_id, "cus_0123456789abcdef0123456789abcdef");
}

TEST(TemplatedIds, ThatExpandToNothingLeaveTheFieldUnset) {
  auto rules = testing::load_ok(site_customers);
  const auto d = rules->route(facts({{"StationName", "CT09"}}));
  EXPECT_FALSE(d.request.express_customer_id);
  for (const auto& w : d.warnings) EXPECT_EQ(w.find("express_customer_id"), std::string::npos) << w;
}

TEST(TemplatedIds, ThatExpandToAnInvalidIdAreDroppedWithAWarning) {
  auto rules = testing::load_ok(site_customers);
  const auto d = rules->route(facts({{"StationName", "CT01"}, {"AccessionNumber", "42"}}));
  EXPECT_FALSE(d.request.assigned_to);
  EXPECT_EQ(d.warnings, (std::vector<std::string>{
                            "assigned_to expanded to \"usr_42\", which is not a valid id; left unset"}));
}

TEST(TemplatedIds, ThatExpandToAValidIdAreKept) {
  auto rules = testing::load_ok(site_customers);
  const auto d = rules->route(
      facts({{"StationName", "CT01"}, {"AccessionNumber", "0123456789abcdef0123456789abcdef"}}));
  EXPECT_EQ(d.request.assigned_to, "usr_0123456789abcdef0123456789abcdef");
}

TEST(TemplatedMetadata, LongerThanTheViewerAllowsIsTruncatedOnACharacterBoundary) {
  auto rules = testing::load_ok(R"y(
routing:
  default:
    assign:
      metadata: { note: "{{StudyDescription}}" }
)y");
  std::string long_value;
  for (int i = 0; i < 1200; ++i) long_value += "é";  // two bytes each
  const auto d = rules->route(facts({{"StudyDescription", long_value}}));
  const std::string& note = d.request.metadata.at("note");
  EXPECT_EQ(note.size(), 1000u * 2);  // 1000 characters of two bytes: never half a character
  EXPECT_EQ(d.warnings, (std::vector<std::string>{"metadata \"note\" truncated to 1000 characters"}));
}

}  // namespace
}  // namespace gw::routing
